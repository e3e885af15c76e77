using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credits.Client;

public static class CreditsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CreditsClient"/> as a typed client of IHttpClientFactory: the Gateway's address and API key
    /// from <paramref name="configure"/> (checked when the host starts), and the standard resilience handler (rate
    /// limiter, total and per-attempt timeouts, retries with back-off honouring Retry-After, circuit breaker). The
    /// handler retries writes too: each carries its idempotency key on every attempt (see <see cref="CreditsClient"/>).
    /// The returned builder takes more, e.g. <c>.AddHttpMessageHandler(...)</c> or <c>.ConfigurePrimaryHttpMessageHandler(...)</c>.
    /// </summary>
    public static IHttpClientBuilder AddCreditsClient(this IServiceCollection services, Action<CreditsClientOptions> configure)
    {
        services.AddOptions<CreditsClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true } a && (a.Scheme == Uri.UriSchemeHttps || a.Scheme == Uri.UriSchemeHttp),
                "Credits client: BaseAddress must be an absolute http(s) URI of the Gateway.")
            // The message names the setting, never its value.
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey), "Credits client: ApiKey is required.")
            .ValidateOnStart();

        var builder = services.AddHttpClient<CreditsClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<CreditsClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            // The resilience handler's total timeout (30 s) governs; HttpClient's own must not cut it short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        // Header values are redacted from IHttpClientFactory's logs by default; say so for the key all the same.
        builder.RedactLoggedHeaders(["Authorization"]);
        builder.AddStandardResilienceHandler();
        return builder;
    }
}
