using global::Stripe;

namespace Credits.Billing.StripeAdapter;

/// <summary>Builds the configured <see cref="StripeClient"/>: keys and base URLs from <see cref="StripeOptions"/>, never the static StripeConfiguration.</summary>
public static class StripeClientFactory
{
    public static StripeClient Create(StripeOptions options) => new(new StripeClientOptions
    {
        ApiKey = options.SecretKey,
        ApiBase = options.ApiBase.TrimEnd('/'),
        MeterEventsBase = options.MeterEventsBase.TrimEnd('/'),
        HttpClient = CreateHttpClient(options),
    });

    /// <summary>Stripe.net's own retries (network errors, 409, 5xx, reusing the idempotency key) and our timeout.</summary>
    public static IHttpClient CreateHttpClient(StripeOptions options) =>
        new SystemNetHttpClient(new HttpClient { Timeout = options.Timeout }, options.MaxNetworkRetries);
}
