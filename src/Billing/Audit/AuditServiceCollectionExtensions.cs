using Credits.Messaging.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Billing.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// The money audit (section "Audit") on <typeparamref name="TDbContext"/>: <see cref="MoneyAudit"/> with every
    /// <see cref="IAuditCheck"/> of this assembly, on demand and, with <paramref name="runInBackground"/>, on its
    /// schedule. Needs AddStripeBilling and AddOverageMetering (the meter check resends through its sender).
    /// </summary>
    public static IServiceCollection AddMoneyAudit<TDbContext>(this IServiceCollection services, IConfiguration configuration,
        bool runInBackground = true)
        where TDbContext : DbContext
    {
        services.AddOptions<MoneyAuditOptions>().Bind(configuration.GetSection(MoneyAuditOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        // Checks read the host's DbContext as a plain DbContext (ledger and billing tables are mapped in it).
        services.TryAddScoped<AuditDatabase>(sp => new AuditDatabase(sp.GetRequiredService<TDbContext>()));
        // One listing of the window's invoices per run, shared by the checks that read them.
        services.TryAddScoped<InvoicesCreated>();
        services.TryAddScoped<CatalogPrices>();
        foreach (var check in typeof(IAuditCheck).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAuditCheck).IsAssignableFrom(t)))
            services.TryAddEnumerable(ServiceDescriptor.Scoped(typeof(IAuditCheck), check));
        services.TryAddScoped(sp => ActivatorUtilities.CreateInstance<MoneyAudit>(sp, sp.GetRequiredService<TDbContext>()));
        if (runInBackground) services.AddPeriodicJob<MoneyAuditService>();
        return services;
    }
}
