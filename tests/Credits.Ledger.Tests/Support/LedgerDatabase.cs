using Credits.Ledger.Plans;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger.Tests.Support;

/// <summary>A fresh PostgreSQL database per test class with the ledger's tables, and the test plans.</summary>
public class LedgerDatabase : PostgresDatabase
{
    public static readonly PlanCatalog Plans = new([
        new PlanDefinition { Id = "hobby", DisplayName = "Hobby", IncludedCredits = 200, OverageAllowed = false, LowBalanceThresholds = [50, 20] },
        new PlanDefinition { Id = "pro", DisplayName = "Pro", IncludedCredits = 1000, OverageAllowed = true, RolloverCap = 300, LowBalanceThresholds = [100] },
        new PlanDefinition { Id = "free", DisplayName = "Free", IncludedCredits = 0 },
    ]);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
    }

    // Room for the 64 concurrent writers of the concurrency tests, each on a connection of its own.
    string PooledConnectionString => new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 80 }.ConnectionString;

    public LedgerTestDbContext NewContext() =>
        new(new DbContextOptionsBuilder<LedgerTestDbContext>().UseNpgsql(PooledConnectionString).Options);

    /// <summary>A ledger on a DbContext of its own (dispose the context), like one request scope of a host.</summary>
    public (CreditLedger Ledger, LedgerTestDbContext Db) NewLedger(TimeProvider clock)
    {
        var db = NewContext();
        return (new CreditLedger(db, Plans, clock), db);
    }
}
