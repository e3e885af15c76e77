using Credits.StripeEmulator.Control;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Hosting;

/// <summary>An emulator started in-process: its address, a configured StripeClient, and its services.</summary>
public sealed class RunningEmulator(WebApplication app, Uri baseUrl) : IAsyncDisposable
{
    public Uri BaseUrl { get; } = baseUrl;

    public EmulatorOptions Options => app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;

    public IServiceProvider Services => app.Services;

    /// <summary>The /_emulator control API (faults, chaos, reset, checkout actions).</summary>
    public EmulatorControlClient Control => _control ??= new EmulatorControlClient(BaseUrl);

    private EmulatorControlClient? _control;

    /// <summary>A Stripe.net client pointed at this emulator for both ApiBase and MeterEventsBase.</summary>
    public Stripe.StripeClient CreateClient(string? apiKey = null, int maxNetworkRetries = 2) => new(new Stripe.StripeClientOptions
    {
        ApiKey = apiKey ?? Options.ApiKey,
        ApiBase = BaseUrl.ToString().TrimEnd('/'),
        MeterEventsBase = BaseUrl.ToString().TrimEnd('/'),
        HttpClient = new Stripe.SystemNetHttpClient(httpClient: null, maxNetworkRetries: maxNetworkRetries),
    });

    public async ValueTask DisposeAsync()
    {
        _control?.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
