using Credits.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

/// <summary>The benchmark consumer's table and the outbox tables.</summary>
public sealed class OutboxBenchmarkDbContext(DbContextOptions<OutboxBenchmarkDbContext> options) : DbContext(options)
{
    public DbSet<OutboxBenchmarkRow> Rows => Set<OutboxBenchmarkRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddTransactionalOutbox();
        modelBuilder.Entity<OutboxBenchmarkRow>(row =>
        {
            row.ToTable("benchmark_row");
            row.HasKey(x => x.Id);
            row.Property(x => x.Id).HasColumnName("id");
            row.Property(x => x.Written).HasColumnName("written");
        });
    }
}

public sealed class OutboxBenchmarkRow
{
    public Guid Id { get; set; }
    public DateTime Written { get; set; }
}
