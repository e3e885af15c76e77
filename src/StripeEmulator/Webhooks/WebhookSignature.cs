using System.Security.Cryptography;
using System.Text;

namespace Credits.StripeEmulator.Webhooks;

/// <summary>Stripe's <c>Stripe-Signature</c>: <c>t=unix,v1=hex(HMAC-SHA256(secret, "{t}.{payload}"))</c>.</summary>
public static class WebhookSignature
{
    public static string Header(string payload, string secret, long timestamp)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
