using Credits.Persistence;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Credits.IntegrationTests.Migrations;

/// <summary>
/// A database for upgrade tests: migrated up to a past migration, filled as the code of that time wrote, then
/// migrated to the latest, as a deployment's upgrade does.
/// </summary>
public sealed class UpgradedDatabase : PostgresDatabase
{
    public CreditsDbContext NewContext() =>
        new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(ConnectionString).Options);

    /// <summary>The schema as it was right after <paramref name="migration"/> (its id, e.g. "20261201045259_GrantsHotBurnDown").</summary>
    public async Task MigrateToAsync(string migration)
    {
        await using var db = NewContext();
        await db.GetService<IMigrator>().MigrateAsync(migration);
    }

    /// <summary>Every migration since, as <c>Credits.Orchestrator migrate</c> runs them.</summary>
    public async Task UpgradeAsync()
    {
        await using var db = NewContext();
        await db.Database.MigrateAsync();
    }
}
