using Credits.StripeEmulator.Control;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Hosting;

/// <summary>
/// Builds the emulator as a <see cref="WebApplication"/>: used by Program.cs and by tests that host it
/// in-process (<see cref="StartAsync"/> with <c>Url = "http://127.0.0.1:0"</c> for a free port).
/// </summary>
public static class StripeEmulatorApp
{
    public static WebApplication Build(string[] args, Action<EmulatorOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddOptions<EmulatorOptions>()
            .Bind(builder.Configuration.GetSection(EmulatorOptions.Section))
            .Configure(o => configure?.Invoke(o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var url = builder.Configuration[$"{EmulatorOptions.Section}:Url"] ?? new EmulatorOptions().Url;
        var probe = new EmulatorOptions { Url = url };
        configure?.Invoke(probe);
        builder.WebHost.UseUrls(probe.Url);
        builder.Services.AddStripeEmulator();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var app = builder.Build();
        app.UseStripeEmulator();
        return app;
    }

    /// <summary>Starts an emulator and returns it with the address it listens on.</summary>
    public static async Task<RunningEmulator> StartAsync(Action<EmulatorOptions>? configure = null, CancellationToken ct = default)
    {
        var app = Build([], o =>
        {
            o.Url = "http://127.0.0.1:0";
            configure?.Invoke(o);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningEmulator(app, new Uri(address));
    }

    public static IServiceCollection AddStripeEmulator(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<EmulatorStore>();
        services.AddSingleton<Clocks>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<Faults>();
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<EventLog>();
        services.AddSingleton<TestClockRunner>();
        services.AddHostedService<StateFilePersistence>();
        services.AddHostedService<RealTimeBilling>();
        services.AddHttpClient(nameof(WebhookDispatcher));
        services.AddHealthChecks();
        return services;
    }

    public static WebApplication UseStripeEmulator(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
        var address = app.Services.GetRequiredService<PublicAddress>();
        // The bound address is known only once Kestrel listens (port 0 picks a free one).
        app.Lifetime.ApplicationStarted.Register(() => address.Value ??=
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/')
            ?? options.Url.TrimEnd('/'));
        app.UseMiddleware<Authentication>();
        app.UseMiddleware<FaultInjection>();
        app.UseMiddleware<Idempotency>();
        app.MapHealthChecks("/health/live");
        app.MapHealthChecks("/health/ready");
        Customers.Map(app);
        PaymentMethods.Map(app);
        Products.Map(app);
        Prices.Map(app);
        BillingMeters.Map(app);
        MeterEvents.Map(app);
        MeterEventStream.Map(app);
        MeterEventAdjustments.Map(app);
        Subscriptions.Map(app);
        SubscriptionItems.Map(app);
        Invoices.Map(app);
        PaymentIntents.Map(app);
        SetupIntents.Map(app);
        Charges.Map(app);
        Refunds.Map(app);
        Disputes.Map(app);
        CheckoutSessions.Map(app);
        TestClocks.Map(app);
        WebhookEndpoints.Map(app);
        Events.Map(app);
        CheckoutPage.Map(app);
        InvoicePage.Map(app);
        ControlApi.Map(app);
        app.MapFallback(http => Api.WriteErrorAsync(http, new StripeApiException(404, "invalid_request_error", null,
            $"Unrecognized request URL ({http.Request.Method}: {http.Request.Path}). The Stripe emulator does not emulate this endpoint.")));
        return app;
    }
}

/// <summary>The emulator's own base URL, for links it hands out (checkout pages).</summary>
public sealed class PublicAddress
{
    public string? Value { get; set; }
}
