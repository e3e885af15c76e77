using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Portal;

/// <summary>
/// Portal tokens: <c>v1.{customer id, base64url}.{expiry, unix seconds}.{HMAC-SHA256, base64url}</c>, the
/// MAC over the version, customer id and expiry. Stateless, so any Gateway instance checks them; short-lived,
/// because they cannot be revoked one by one (rotating the key revokes all).
/// </summary>
public sealed class PortalTokens(IOptionsMonitor<PortalOptions> options, TimeProvider clock)
{
    const string Version = "v1";

    public record Minted(string Token, DateTimeOffset ExpiresAt);

    public enum Refusal { None, Malformed, BadSignature, Expired, Disabled }

    public Minted Mint(string customerId)
    {
        var key = Key() ?? throw new InvalidOperationException("The portal has no signing key (Portal:SigningKey).");
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().Add(options.CurrentValue.SessionLifetime).ToUnixTimeSeconds());
        var id = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(customerId));
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Minted($"{Version}.{id}.{expiry}.{Base64Url.EncodeToString(Mac(key, id, expiry))}", expiresAt);
    }

    /// <summary>The customer the token was minted for and when it expires, or why it is refused.</summary>
    public (string? CustomerId, DateTimeOffset ExpiresAt, Refusal Refusal) Verify(string token)
    {
        if (Key() is not { } key) return (null, default, Refusal.Disabled);
        var parts = token.Split('.');
        if (parts.Length != 4 || parts[0] != Version
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || !Base64Url.IsValid(parts[1]) || !Base64Url.IsValid(parts[3]))
            return (null, default, Refusal.Malformed);
        // Signature first: an expiry is only believed once the MAC shows it was not edited.
        if (!CryptographicOperations.FixedTimeEquals(Mac(key, parts[1], parts[2]), Base64Url.DecodeFromChars(parts[3])))
            return (null, default, Refusal.BadSignature);
        if (clock.GetUtcNow().ToUnixTimeSeconds() >= expiry) return (null, default, Refusal.Expired);
        return (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])), DateTimeOffset.FromUnixTimeSeconds(expiry), Refusal.None);
    }

    byte[]? Key() => options.CurrentValue.SigningKey is { Length: > 0 } k ? Encoding.UTF8.GetBytes(k) : null;

    static byte[] Mac(byte[] key, string customerId, string expiry) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{Version}\n{customerId}\n{expiry}"));
}
