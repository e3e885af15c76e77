using Credits.Billing.Catalog;
using Credits.Billing.Customers;
using Credits.Billing.Metering;
using Credits.Billing.StripeAdapter;
using Credits.Messaging.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StripeClient = global::Stripe.StripeClient;

namespace Credits.Billing;

public static class BillingServiceCollectionExtensions
{
    /// <summary>
    /// Stripe options (section "Stripe", validated at start-up), the configured StripeClient,
    /// <see cref="StripeCalls"/>, the catalog (sections "Plans" and "CreditPacks") and <see cref="CatalogSync"/>.
    /// Enough for the Gateway's webhook endpoint and for the Orchestrator's consumers.
    /// </summary>
    public static IServiceCollection AddStripeBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<StripeOptions>, DevelopmentStripeSecretsValidator>();
        services.AddOptions<CatalogOptions>().Bind(configuration.GetSection(CatalogOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => StripeClientFactory.Create(sp.GetRequiredService<IOptions<StripeOptions>>().Value));
        services.TryAddSingleton<StripeCalls>();
        services.AddMetrics();
        services.TryAddSingleton<Webhooks.WebhookRejections>();
        services.TryAddSingleton(BillingCatalog.FromConfiguration(configuration));
        services.TryAddSingleton<CatalogSync>();
        services.TryAddSingleton<PriceDirectory>();
        return services;
    }

    /// <summary>
    /// The Orchestrator's catalog start-up (<see cref="CatalogStartup"/>): syncs when Catalog:SyncOnStart is true,
    /// then resolves the price ids into <see cref="PriceDirectory"/>. Register it before the bus so the bus
    /// starts after it.
    /// </summary>
    public static IServiceCollection AddCatalogStartup(this IServiceCollection services)
    {
        services.AddHostedService<CatalogStartup>();
        return services;
    }

    /// <summary>
    /// The overage metering loop (section "Metering") on <typeparamref name="TDbContext"/>, which maps the
    /// ledger (<c>AddLedger()</c>) and the billing tables (<c>AddStripeBilling()</c>). Needs AddStripeBilling
    /// and AddCreditLedger&lt;TDbContext&gt;. With MassTransit's bus outbox, OverageReported is published atomically.
    /// </summary>
    public static IServiceCollection AddOverageMetering<TDbContext>(this IServiceCollection services, IConfiguration configuration,
        bool runInBackground = true)
        where TDbContext : DbContext
    {
        services.AddOptions<OverageMeteringOptions>().Bind(configuration.GetSection(OverageMeteringOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddStripeCustomerLinks<TDbContext>();
        services.TryAddSingleton<MeteringStatistics>();
        services.TryAddSingleton<MeterEventSender>();
        services.TryAddScoped(sp => ActivatorUtilities.CreateInstance<OverageMeter>(sp, sp.GetRequiredService<TDbContext>()));
        if (runInBackground) services.AddPeriodicJob<OverageMeteringService>();
        return services;
    }

    /// <summary>The app-customer to Stripe-customer links (table stripe_customers) on <typeparamref name="TDbContext"/>.</summary>
    public static IServiceCollection AddStripeCustomerLinks<TDbContext>(this IServiceCollection services) where TDbContext : DbContext
    {
        services.TryAddScoped(sp => new StripeCustomerLinks(sp.GetRequiredService<TDbContext>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
