using Credits.Billing.Tests.Support;
using Credits.Billing.Webhooks;
using Credits.Messaging;
using Credits.StripeEmulator.Hosting;
using Credits.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Credits.Billing.Tests.Webhooks;

/// <summary>
/// A minimal Gateway: Kestrel on a free port with MapStripeWebhooks over a DbContext that maps the
/// outbox and webhook tables, the bus outbox on real RabbitMQ, and a consumer that records what
/// arrives. The emulator delivers its events here, signed with the same secret.
/// </summary>
public sealed class WebhookHost : IAsyncLifetime
{
    public Infrastructure Infrastructure { get; } = new();
    public RunningEmulator Emulator { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public ReceivedMessages Received => App.Services.GetRequiredService<ReceivedMessages>();

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        Emulator = await StripeEmulatorApp.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(TestConfiguration.For(Emulator, Infrastructure.Database.ConnectionString));
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddDbContext<BillingTestDbContext>(o =>
            o.UseNpgsql(Infrastructure.Database.ConnectionString, n => n.EnableRetryOnFailure()));
        builder.Services.AddStripeBilling(builder.Configuration);
        builder.Services.AddSingleton<ReceivedMessages>();
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.Services.AddMassTransit(x =>
        {
            x.AddPostgresOutbox<BillingTestDbContext>(o =>
            {
                o.UseBusOutbox();
                o.QueryDelay = TimeSpan.FromMilliseconds(100);
            });
            x.AddConsumer<RecordingConsumer>();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(Infrastructure.VirtualHost.Uri);
                cfg.ConfigureEndpoints(context);
            });
        });
        App = builder.Build();
        App.MapStripeWebhooks<BillingTestDbContext>();
        await using (var scope = App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<BillingTestDbContext>().Database.EnsureCreatedAsync();
        await App.StartAsync();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
        // The emulator signs and delivers every event to the endpoint, as Stripe would.
        Emulator.Options.WebhookUrl = address.TrimEnd('/') + StripeWebhookEndpoints.Path;
        Emulator.Options.WebhookSecret = TestConfiguration.WebhookSecret;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}
