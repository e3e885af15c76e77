using Credits.Billing.Audit;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Tests.Support;

/// <summary>
/// A fresh database with the host-like schema, for the money audit's tests. Each run gets a DbContext of its own, the
/// last day as its window and no settle time, so a difference found at one run can be cleared at the next.
/// </summary>
public sealed class AuditTestDatabase : PostgresDatabase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = NewDb();
        await db.Database.EnsureCreatedAsync();
    }

    public BillingTestDbContext NewDb() => new(new DbContextOptionsBuilder<BillingTestDbContext>().UseNpgsql(ConnectionString).Options);

    public static MoneyAudit NewAudit(DbContext db, IEnumerable<IAuditCheck> checks) =>
        new(db, checks, Options.Create(new MoneyAuditOptions { SettleTime = TimeSpan.Zero }), TimeProvider.System, NullLogger<MoneyAudit>.Instance);

    public static AuditWindow LastDay() => new(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMinutes(1));

    /// <summary>One audit run with the checks <paramref name="checks"/> makes on the run's DbContext.</summary>
    public async Task<AuditRun> RunAuditAsync(Func<DbContext, IEnumerable<IAuditCheck>> checks)
    {
        await using var db = NewDb();
        return await NewAudit(db, checks(db)).RunAsync("test", LastDay());
    }
}
