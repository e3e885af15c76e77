using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Audit;

/// <summary>The host's DbContext as the checks see it: they read the ledger, saga and billing tables, by SQL where it is simpler.</summary>
public sealed class AuditDatabase(DbContext db)
{
    public DbContext Db { get; } = db;
}
