using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
using Credits.Ledger.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the plans (configuration section "Plans", validated now: a bad configuration fails
    /// at start-up) and a scoped <see cref="CreditLedger"/> on the scoped <typeparamref name="TContext"/>,
    /// which must map the ledger with <c>modelBuilder.AddLedger()</c>. The rate cards (section "RateCards") are
    /// validated now too; pricing reads them from PostgreSQL once published (<see cref="RateCardPublisher"/>).
    /// </summary>
    public static IServiceCollection AddCreditLedger<TContext>(this IServiceCollection services, IConfiguration configuration)
        where TContext : DbContext
    {
        services.AddSingleton(PlanCatalog.FromConfiguration(configuration));
        services.AddSingleton(configuration.GetSection(PeriodBoundaryOptions.Section).Get<PeriodBoundaryOptions>() ?? new PeriodBoundaryOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(RateCardCatalog.FromConfiguration(configuration));
        services.AddSingleton(sp => new RateCards(async ct =>
        {
            await using var scope = sp.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            return await RateCardSnapshot.LoadAsync(scope.ServiceProvider.GetRequiredService<TContext>(), ct);
        }, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<Archive.ColdKeyFilters>(_ => new Archive.ColdKeyFilters());
        services.AddScoped(sp => new CreditLedger(
            sp.GetRequiredService<TContext>(), sp.GetRequiredService<PlanCatalog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PeriodBoundaryOptions>(), sp.GetRequiredService<Archive.ColdKeyFilters>()));
        services.AddScoped(sp => new Archive.LedgerArchiver(sp.GetRequiredService<TContext>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
