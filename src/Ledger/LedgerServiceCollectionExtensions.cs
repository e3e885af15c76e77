using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
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
    /// which must map the ledger with <c>modelBuilder.AddLedger()</c>.
    /// </summary>
    public static IServiceCollection AddCreditLedger<TContext>(this IServiceCollection services, IConfiguration configuration)
        where TContext : DbContext
    {
        services.AddSingleton(PlanCatalog.FromConfiguration(configuration));
        services.AddSingleton(configuration.GetSection(PeriodBoundaryOptions.Section).Get<PeriodBoundaryOptions>() ?? new PeriodBoundaryOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped(sp => new CreditLedger(
            sp.GetRequiredService<TContext>(), sp.GetRequiredService<PlanCatalog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PeriodBoundaryOptions>()));
        return services;
    }
}
