using Credits.Billing;
using Credits.Ledger.Mapping;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

/// <summary>The ledger and billing tables, for the metering scenario.</summary>
public sealed class MeteringBenchmarkDbContext(DbContextOptions<MeteringBenchmarkDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddLedger().AddStripeBilling();
}
