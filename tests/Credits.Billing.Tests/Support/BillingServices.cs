using Credits.Billing.Audit;
using Credits.Ledger;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Http;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Credits.Billing.Tests.Support;

/// <summary>
/// A class fixture: an in-process emulator, a fresh database with the outbox, ledger and billing
/// tables, and a service provider registered the way a host registers billing (without a bus).
/// </summary>
public class BillingServices : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();
    public RunningEmulator Emulator { get; private set; } = null!;
    public ServiceProvider Services { get; private set; } = null!;
    public IConfiguration Configuration { get; private set; } = null!;

    public Faults Faults => Emulator.Services.GetRequiredService<Faults>();

    protected virtual void Configure(Dictionary<string, string?> settings) { }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Emulator = await StripeEmulatorApp.StartAsync(o => o.AggregationDelay = TimeSpan.Zero);
        var settings = TestConfiguration.For(Emulator, Database.ConnectionString);
        Configure(settings);
        Configuration = TestConfiguration.Build(settings);
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddDbContext<BillingTestDbContext>(o => o.UseNpgsql(Database.ConnectionString, n => n.EnableRetryOnFailure()));
        services.AddCreditLedger<BillingTestDbContext>(Configuration);
        services.AddStripeBilling(Configuration);
        services.AddOverageMetering<BillingTestDbContext>(Configuration, runInBackground: false);
        services.AddMoneyAudit<BillingTestDbContext>(Configuration, runInBackground: false);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BillingTestDbContext>().Database.EnsureCreatedAsync();
    }

    public Stripe.StripeClient Stripe => Services.GetRequiredService<Stripe.StripeClient>();

    /// <summary>Runs <paramref name="work"/> in a scope of its own, like one request or one flush of a host.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
        await Database.DisposeAsync();
    }
}
