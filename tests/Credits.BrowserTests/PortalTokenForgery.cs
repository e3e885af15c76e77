using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Credits.BrowserTests;

/// <summary>
/// Tokens in the portal's documented format (v1.{customer, base64url}.{expiry, unix s}.{HMAC-SHA256}), made
/// here with the test system's signing key: a correctly signed token whose time is up, and tampered ones.
/// </summary>
static class PortalTokenForgery
{
    public static string Signed(string customerId, DateTimeOffset expiresAt, string key = BrowserSystem.PortalSigningKey)
    {
        var id = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(customerId));
        var expiry = expiresAt.ToUnixTimeSeconds().ToString();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"v1\n{id}\n{expiry}"));
        return $"v1.{id}.{expiry}.{Base64Url.EncodeToString(mac)}";
    }

    /// <summary>A real token with its customer swapped for another: the signature no longer matches.</summary>
    public static string OtherCustomer(string token, string customerId)
    {
        var parts = token.Split('.');
        parts[1] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(customerId));
        return string.Join('.', parts);
    }
}
