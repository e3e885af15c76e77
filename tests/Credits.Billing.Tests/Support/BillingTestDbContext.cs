using Credits.Ledger.Mapping;
using Credits.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Tests.Support;

/// <summary>A host-like DbContext: outbox, ledger and billing tables, mapped with the calls the lead's CreditsDbContext uses.</summary>
public sealed class BillingTestDbContext(DbContextOptions<BillingTestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.AddTransactionalOutbox().AddLedger().AddStripeBilling();
}
