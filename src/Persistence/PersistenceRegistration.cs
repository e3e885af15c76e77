using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Credits.Persistence;

public static class PersistenceRegistration
{
    /// <summary>The scoped CreditsDbContext on the host's shared NpgsqlDataSource.</summary>
    public static IServiceCollection AddCreditsDbContext(this IServiceCollection services) =>
        services.AddDbContext<CreditsDbContext>((sp, options) =>
            options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")));

}
