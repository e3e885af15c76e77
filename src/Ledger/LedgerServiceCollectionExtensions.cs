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
        var coldKeyBudget = ColdKeyCacheMegabytes(configuration);
        services.TryAddSingleton<Archive.ColdKeyFilters>(_ => new Archive.ColdKeyFilters(coldKeyBudget * 1024L * 1024));
        services.AddScoped(sp => new CreditLedger(
            sp.GetRequiredService<TContext>(), sp.GetRequiredService<PlanCatalog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PeriodBoundaryOptions>(), sp.GetRequiredService<Archive.ColdKeyFilters>()));
        services.AddScoped(sp => new Archive.LedgerArchiver(sp.GetRequiredService<TContext>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// <c>Ledger:ColdKeyCacheMegabytes</c>: the memory each host gives the archived months' key filters (64 MB, about 50
    /// million keys). An account whose filters do not fit is read again at each of its transactions, so it should hold
    /// the largest account's: about 1.5 bytes per archived key (filter and fences).
    /// </summary>
    static int ColdKeyCacheMegabytes(IConfiguration configuration)
    {
        var megabytes = configuration.GetValue(PeriodBoundaryOptions.Section + ":ColdKeyCacheMegabytes", 64);
        if (megabytes is < 1 or > 65_536)
            throw new InvalidOperationException($"Ledger:ColdKeyCacheMegabytes must be between 1 and 65536 (it is {megabytes}).");
        return megabytes;
    }
}
