using Credits.Messaging.Sagas;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>The tests' own DbContext: tally instances, the scheduler's table and the outbox's, created with EnsureCreated.</summary>
public class TallyDbContext(DbContextOptions<TallyDbContext> options) : DbContext(options)
{
    public DbSet<TallyState> Tallies => Set<TallyState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TallyState>(entity =>
        {
            entity.ToTable("tally");
            entity.MapSagaInstance();
            entity.Property(x => x.CurrentState).HasMaxLength(64);
        });
        modelBuilder.AddScheduledMessages();
        // For the tests that put the tally behind the inbox and outbox.
        modelBuilder.AddTransactionalOutbox();
    }
}
