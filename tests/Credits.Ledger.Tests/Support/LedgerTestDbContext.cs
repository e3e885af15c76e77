using Credits.Ledger.Mapping;
using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger.Tests.Support;

/// <summary>A host-like DbContext: the ledger mapped into it with AddLedger(), nothing else.</summary>
public sealed class LedgerTestDbContext(DbContextOptions<LedgerTestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddLedger();
}
