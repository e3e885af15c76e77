using System.Security.Cryptography;
using System.Text;

namespace Credits.Persistence.Webhooks;

/// <summary>
/// The Credits-Signature header, in Stripe's scheme: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>,
/// one v1 per secret in use (two during a rotation's overlap). The timestamp is signed too, so a receiver that refuses
/// old timestamps refuses replayed captures.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Credits-Signature";

    public static string For(string body, long unixSeconds, IEnumerable<string> secrets) =>
        $"t={unixSeconds}," + string.Join(",", secrets.Select(secret => "v1=" + Compute(secret, unixSeconds, body)));

    public static string Compute(string secret, long unixSeconds, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}")));
}
