using System.Security.Cryptography;

namespace Credits.Persistence.Webhooks;

/// <summary>Signing secrets: "whsec_" and 32 random bytes, base64url; the HMAC key is the whole string's UTF-8.</summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    public static string New() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
