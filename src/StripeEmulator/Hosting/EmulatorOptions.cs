using System.ComponentModel.DataAnnotations;

namespace Credits.StripeEmulator.Hosting;

/// <summary>Configuration section <c>StripeEmulator</c> (env vars <c>StripeEmulator__ApiKey</c>, ...).</summary>
public sealed class EmulatorOptions : IValidatableObject
{
    public const string Section = "StripeEmulator";

    /// <summary>Where the emulator listens; port 0 picks a free port (tests).</summary>
    public string Url { get; set; } = "http://127.0.0.1:12111";

    /// <summary>The only secret key accepted as <c>Authorization: Bearer ...</c>.</summary>
    public string ApiKey { get; set; } = "sk_test_emulator";

    /// <summary>Optional endpoint that receives every event, besides registered webhook endpoints.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Signing secret for <see cref="WebhookUrl"/>.</summary>
    public string WebhookSecret { get; set; } = "whsec_emulator";

    /// <summary>How long a meter event takes to show in event summaries (Stripe: eventually consistent).</summary>
    public TimeSpan AggregationDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Lifetime of a v2 meter event session token (Stripe: 15 minutes).</summary>
    public TimeSpan MeterEventSessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>First webhook retry delay; each further retry doubles it.</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public int WebhookMaxAttempts { get; set; } = 8;

    /// <summary>How often subscriptions without a test clock are checked for a period end in real time.</summary>
    public TimeSpan BillingTick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a renewal (<c>subscription_cycle</c>) invoice stays a draft before it is finalized and charged,
    /// measured on the customer's test clock when it has one. Stripe: "automatically finalizing draft invoices
    /// after one hour"; it is also the meter events' grace window (usage for the ended period reported until
    /// then is billed on that invoice).
    /// </summary>
    public TimeSpan RenewalFinalizeDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Automatic retries of a declined renewal invoice (Stripe's recommended Smart Retries: 8 within 2 weeks).</summary>
    public int PaymentRetries { get; set; } = 8;

    /// <summary>The retries are spread evenly over this window, counted from the first failed attempt.</summary>
    public TimeSpan PaymentRetryWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>What a subscription becomes when every retry failed: <c>canceled</c> (Stripe's default setting), <c>unpaid</c> or <c>past_due</c>.</summary>
    public string SubscriptionStatusAfterRetries { get; set; } = "canceled";

    /// <summary>What the invoice becomes when every retry failed: <c>open</c> (left past due, Stripe's default) or <c>uncollectible</c>.</summary>
    public string InvoiceStatusAfterRetries { get; set; } = "open";

    /// <summary>How long an <c>incomplete</c> subscription waits for its first payment before it becomes <c>incomplete_expired</c> (Stripe: 23 hours).</summary>
    public TimeSpan IncompleteExpiry { get; set; } = TimeSpan.FromHours(23);

    /// <summary>Test cards that Stripe's testing docs say cannot be attached to a customer (4000000000000002, ...) fail at attach (Stripe: true).</summary>
    public bool DeclineCardsAtAttach { get; set; } = true;

    /// <summary>
    /// When set, state is saved to this JSON file every few seconds and on shutdown, and loaded at
    /// start-up, so ids the app stored survive an emulator restart. Idempotency keys are not kept.
    /// </summary>
    public string? StateFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!ApiKey.StartsWith("sk_test_", StringComparison.Ordinal))
            yield return new("ApiKey must be a test secret key (sk_test_...)", [nameof(ApiKey)]);
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
            yield return new("Url must be an absolute http:// URL", [nameof(Url)]);
        if (WebhookUrl is { Length: > 0 } && !Uri.TryCreate(WebhookUrl, UriKind.Absolute, out _))
            yield return new("WebhookUrl must be an absolute URL", [nameof(WebhookUrl)]);
        if (!WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
            yield return new("WebhookSecret must start with whsec_", [nameof(WebhookSecret)]);
        if (AggregationDelay < TimeSpan.Zero)
            yield return new("AggregationDelay must not be negative", [nameof(AggregationDelay)]);
        if (MeterEventSessionLifetime <= TimeSpan.Zero)
            yield return new("MeterEventSessionLifetime must be positive", [nameof(MeterEventSessionLifetime)]);
        if (WebhookRetryDelay <= TimeSpan.Zero || WebhookMaxAttempts < 1)
            yield return new("WebhookRetryDelay must be positive and WebhookMaxAttempts at least 1", [nameof(WebhookRetryDelay)]);
        if (BillingTick <= TimeSpan.Zero)
            yield return new("BillingTick must be positive", [nameof(BillingTick)]);
        if (RenewalFinalizeDelay < TimeSpan.Zero)
            yield return new("RenewalFinalizeDelay must not be negative", [nameof(RenewalFinalizeDelay)]);
        if (PaymentRetries < 0 || PaymentRetryWindow <= TimeSpan.Zero)
            yield return new("PaymentRetries must not be negative and PaymentRetryWindow must be positive", [nameof(PaymentRetries)]);
        if (SubscriptionStatusAfterRetries is not ("canceled" or "unpaid" or "past_due"))
            yield return new("SubscriptionStatusAfterRetries must be canceled, unpaid or past_due", [nameof(SubscriptionStatusAfterRetries)]);
        if (InvoiceStatusAfterRetries is not ("open" or "uncollectible"))
            yield return new("InvoiceStatusAfterRetries must be open or uncollectible", [nameof(InvoiceStatusAfterRetries)]);
        if (IncompleteExpiry <= TimeSpan.Zero)
            yield return new("IncompleteExpiry must be positive", [nameof(IncompleteExpiry)]);
        if (WebhookDuplicateRate is < 0 or > 1)
            yield return new("WebhookDuplicateRate must be between 0 and 1", [nameof(WebhookDuplicateRate)]);
        if (WebhookReorderWindow < TimeSpan.Zero)
            yield return new("WebhookReorderWindow must not be negative", [nameof(WebhookReorderWindow)]);
        if (WebhookConcurrency < 1)
            yield return new("WebhookConcurrency must be at least 1", [nameof(WebhookConcurrency)]);
        if (!Webhooks.ApiVersions.IsWellFormed(AccountApiVersion))
            yield return new("AccountApiVersion must look like 2026-10-28.endive", [nameof(AccountApiVersion)]);
    }

    // Webhook delivery as unkind as Stripe's (https://docs.stripe.com/webhooks): on by default.

    /// <summary>
    /// Each delivery waits a random time up to this before it is sent, so events overtake each other
    /// (Stripe does not guarantee order). Zero delivers in the order events happen.
    /// </summary>
    public TimeSpan WebhookReorderWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Share of deliveries (0..1) sent a second time (Stripe may deliver an event more than once).</summary>
    public double WebhookDuplicateRate { get; set; } = 0.02;

    /// <summary>
    /// How many deliveries are in flight at once, to all endpoints together. 1 is kinder than Stripe, which
    /// delivers concurrently; the load benchmarks set more. (The emulator's tests were written against 1.)
    /// </summary>
    public int WebhookConcurrency { get; set; } = 1;

    /// <summary>Seeds the reorder delays and duplicate draws, so a run can be repeated; null draws a seed.</summary>
    public int? WebhookSeed { get; set; }

    /// <summary>How failed deliveries are retried: Stripe's three-day shape (default) or <see cref="WebhookMaxAttempts"/> attempts.</summary>
    public Webhooks.WebhookRetrySchedule WebhookRetrySchedule { get; set; } = Webhooks.WebhookRetrySchedule.StripeLiveMode;

    /// <summary>
    /// The account's default API version: events are stored and listed in it, and sent in it to
    /// <see cref="WebhookUrl"/> and to endpoints created without <c>api_version</c>. Defaults to
    /// Stripe.net's pinned version.
    /// </summary>
    public string AccountApiVersion { get; set; } = Stripe.StripeConfiguration.ApiVersion;
}
