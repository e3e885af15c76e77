using Microsoft.EntityFrameworkCore;
using Credits.Persistence.Operators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Credits.Persistence;

public static class PersistenceRegistration
{
    /// <summary>
    /// The scoped CreditsDbContext on the host's shared NpgsqlDataSource, with the operator action log and the ledger's
    /// unit of work (<see cref="LedgerWork"/>) on it; the unit of work needs the ledger too
    /// (<c>AddCreditLedger&lt;CreditsDbContext&gt;</c>). Pooled: every consumed message and request takes one, and
    /// building a context per scope showed as DI lock contention in the profile (docs/BENCHMARKS.md); the pool resets a
    /// context before it is handed out again.
    /// </summary>
    public static IServiceCollection AddCreditsDbContext(this IServiceCollection services)
    {
        services.AddDbContextPool<CreditsDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<OperatorActionLog>();
        services.TryAddScoped<LedgerWork>();
        return services;
    }

}
