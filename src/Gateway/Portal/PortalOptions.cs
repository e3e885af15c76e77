using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Credits.Gateway.Portal;

/// <summary>
/// Section "Portal". The signing key makes portal links unforgeable; it is a secret (environment
/// variable Portal__SigningKey), with a development default only in appsettings.Development.json.
/// Without a key the portal is off: minting a session answers 503 and every portal token is refused.
/// </summary>
public sealed class PortalOptions : IValidatableObject
{
    public const string Section = "Portal";
    public const int MinimumKeyBytes = 32;

    /// <summary>HMAC-SHA256 key, at least 32 bytes of UTF-8 (e.g. <c>openssl rand -base64 48</c>).</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a portal link works; like Stripe's portal sessions, short. Default 1 hour.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The Gateway's public base URL for the links it mints; the request's own host when empty.</summary>
    public string? PublicUrl { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SigningKey is { } key && Encoding.UTF8.GetByteCount(key) < MinimumKeyBytes)
            yield return new ValidationResult($"Portal:SigningKey must be at least {MinimumKeyBytes} bytes.", [nameof(SigningKey)]);
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromHours(24))
            yield return new ValidationResult("Portal:SessionLifetime must be between 00:01:00 and 1.00:00:00.", [nameof(SessionLifetime)]);
        if (PublicUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return new ValidationResult("Portal:PublicUrl must be an absolute http(s) URL.", [nameof(PublicUrl)]);
    }
}
