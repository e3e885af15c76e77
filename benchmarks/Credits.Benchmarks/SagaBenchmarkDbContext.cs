using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

public class SagaBenchmarkDbContext(DbContextOptions<SagaBenchmarkDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<SagaBenchmarkState>(entity =>
        {
            entity.ToTable("benchmark_counter");
            entity.MapSagaInstance();
        });
}
