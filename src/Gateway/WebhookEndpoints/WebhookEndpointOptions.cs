using System.ComponentModel.DataAnnotations;

namespace Credits.Gateway.WebhookEndpoints;

/// <summary>Section "Webhooks:Endpoints" of the Gateway: what an endpoint may be registered with (docs/webhooks.md).</summary>
public sealed class WebhookEndpointOptions
{
    public const string Section = "Webhooks:Endpoints";

    /// <summary>Allows http:// URLs (development and tests only); otherwise only https.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>How long the previous secret still signs deliveries after a rotation, so receivers can switch without a gap.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Webhooks:Endpoints:RotationOverlap must be between 0 and 7 days.")]
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);
}
