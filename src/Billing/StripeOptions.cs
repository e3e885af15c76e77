using System.ComponentModel.DataAnnotations;

namespace Credits.Billing;

/// <summary>
/// Configuration section <c>Stripe</c>. <see cref="SecretKey"/> and <see cref="WebhookSecret"/> are
/// secrets: they are validated by shape only and never logged (<see cref="ToString"/> hides them).
/// </summary>
public sealed class StripeOptions : IValidatableObject
{
    public const string Section = "Stripe";

    /// <summary>sk_test_... or sk_live_... (rk_ restricted keys too).</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Stripe's API, or the emulator's address (e.g. http://127.0.0.1:12111).</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>Where the v2 meter event stream goes; Stripe uses a separate host.</summary>
    public string MeterEventsBase { get; set; } = "https://meter-events.stripe.com";

    /// <summary>The whsec_... secret of the webhook endpoint that calls POST /webhooks/stripe.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Seconds a webhook signature stays valid (Stripe's default: 300).</summary>
    public long WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>
    /// The largest webhook body read before the signature is checked; larger ones get 413 unread. Stripe documents no
    /// maximum; its events carry one object and are usually a few KB (tens of KB for large invoices). Default 1 MiB.
    /// </summary>
    public int WebhookMaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Retries inside Stripe.net for network errors, 409 and 5xx (same idempotency key).</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>Further attempts of ours after Stripe.net gives up on a transient error (covers 429).</summary>
    public int TransientRetries { get; set; } = 3;

    /// <summary>First backoff between our attempts; doubles each time, with jitter.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The billing meter's event name (one meter for all overage).</summary>
    public string MeterEventName { get; set; } = "credits_overage";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!(SecretKey.StartsWith("sk_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_", StringComparison.Ordinal)))
            yield return new("Stripe:SecretKey must be a Stripe secret key (sk_test_..., sk_live_... or rk_...)", [nameof(SecretKey)]);
        if (!IsHttpUrl(ApiBase))
            yield return new("Stripe:ApiBase must be an absolute http(s) URL", [nameof(ApiBase)]);
        if (!IsHttpUrl(MeterEventsBase))
            yield return new("Stripe:MeterEventsBase must be an absolute http(s) URL", [nameof(MeterEventsBase)]);
        if (!WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
            yield return new("Stripe:WebhookSecret must be a webhook signing secret (whsec_...)", [nameof(WebhookSecret)]);
        if (WebhookToleranceSeconds is < 1 or > 3600)
            yield return new("Stripe:WebhookToleranceSeconds must be between 1 and 3600", [nameof(WebhookToleranceSeconds)]);
        if (WebhookMaxBodyBytes is < 64 * 1024 or > 16 * 1024 * 1024)
            yield return new("Stripe:WebhookMaxBodyBytes must be between 65536 (64 KiB) and 16777216 (16 MiB)", [nameof(WebhookMaxBodyBytes)]);
        if (MaxNetworkRetries is < 0 or > 10)
            yield return new("Stripe:MaxNetworkRetries must be between 0 and 10", [nameof(MaxNetworkRetries)]);
        if (TransientRetries is < 0 or > 10)
            yield return new("Stripe:TransientRetries must be between 0 and 10", [nameof(TransientRetries)]);
        if (RetryBackoff < TimeSpan.Zero)
            yield return new("Stripe:RetryBackoff must not be negative", [nameof(RetryBackoff)]);
        if (Timeout <= TimeSpan.Zero)
            yield return new("Stripe:Timeout must be positive", [nameof(Timeout)]);
        if (string.IsNullOrWhiteSpace(MeterEventName))
            yield return new("Stripe:MeterEventName is required", [nameof(MeterEventName)]);
    }

    static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    public override string ToString() => $"Stripe {{ ApiBase = {ApiBase}, SecretKey = ***, WebhookSecret = *** }}";
}
