using Credits.Billing;
using Credits.Ledger.Mapping;
using Credits.Messaging;
using Credits.Persistence.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Credits.Persistence;

/// <summary>
/// The one database of Credits: ledger, sagas, outbox/inbox, scheduled messages and webhook
/// receipts share it so that a state change and the messages it causes commit in one transaction.
/// </summary>
public class CreditsDbContext(DbContextOptions<CreditsDbContext> options) : DbContext(options)
{
    public DbSet<RoundTrip> RoundTrips => Set<RoundTrip>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddLedger();
        modelBuilder.AddTransactionalOutbox();
        modelBuilder.AddScheduledMessages();
        modelBuilder.AddStripeBilling();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CreditsDbContext).Assembly);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(Credits.Sagas.SagasAssembly).Assembly);
    }
}
