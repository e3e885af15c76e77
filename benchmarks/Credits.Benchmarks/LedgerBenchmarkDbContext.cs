using Credits.Ledger.Mapping;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

/// <summary>The ledger's tables alone, for the ledger's own throughput scenario.</summary>
public sealed class LedgerBenchmarkDbContext(DbContextOptions<LedgerBenchmarkDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddLedger();
}
