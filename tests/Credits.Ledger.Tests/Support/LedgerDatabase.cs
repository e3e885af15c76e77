using Credits.Ledger.Archive;
using Credits.Ledger.Plans;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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

    /// <summary>The archive job's step for one account at <paramref name="now"/>, keeping two whole months: the chunks written.</summary>
    public async Task<int> ArchiveAsync(string customerId, DateTimeOffset now, int maxEntries = LedgerArchiver.MaxEntriesPerChunk)
    {
        await using var db = NewContext();
        return (await new LedgerArchiver(db, new ManualClock(now)).ArchiveAccountAsync(customerId, 2, int.MaxValue, default, maxEntries)).Chunks;
    }

    /// <summary>Retention's removal for one account at <paramref name="now"/>: the entries removed.</summary>
    public async Task<int> RemoveArchivedAsync(string customerId, DateTimeOffset now)
    {
        await using var db = NewContext();
        return await new LedgerArchiver(db, new ManualClock(now)).RemoveArchivedAsync(customerId, default);
    }

    /// <summary>The archive job's verification pass at <paramref name="now"/>: the chunks verified, and those that differed.</summary>
    public async Task<(int Verified, int Differing)> VerifyDueAsync(DateTimeOffset now, TimeSpan every, int limit = 1_000)
    {
        await using var db = NewContext();
        return await new LedgerArchiver(db, new ManualClock(now)).VerifyDueAsync(every, limit, default);
    }

    /// <summary>A chunk read back and compared (<see cref="ArchiveCheck"/>): what differs, empty when it is sound.</summary>
    public async Task<IReadOnlyList<string>> VerifyChunkAsync(string customerId, long firstEntryId)
    {
        await using var db = NewContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        return await ArchiveCheck.VerifyAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(),
            customerId, firstEntryId, default);
    }
}
