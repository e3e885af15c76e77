using System.Security.Cryptography;
using System.Text;

namespace Credits.Billing.StripeAdapter;

/// <summary>
/// Idempotency keys derived from the business operation, never random: a retry after a timeout or a
/// crash sends the same key, and Stripe answers with the first result instead of a second object.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>e.g. <c>For("change-plan", sagaId, "update-subscription")</c>.</summary>
    public static string For(string operation, Guid correlationId, string step) => For(operation, correlationId.ToString("N"), step);

    public static string For(string operation, string subject, string step)
    {
        var key = $"credits:{operation}:{subject}:{step}";
        // Stripe accepts keys up to 255 characters; a longer one is hashed, still deterministic.
        return key.Length <= 255 ? key : "credits:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
