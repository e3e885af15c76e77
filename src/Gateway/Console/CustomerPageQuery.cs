using System.Text.Json;
using Credits.Contracts.Customers;
using Credits.Gateway.Portal;
using Credits.Ledger;
using Credits.Ledger.Archive;
using Credits.Ledger.Model;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Console;

/// <summary>
/// One customer's full page for an operator: everything Credits holds about them, read from its own tables (the
/// Stripe ids are those the sagas recorded; nothing is asked of Stripe, so the page works while Stripe is down).
/// </summary>
public sealed class CustomerPageQuery(CreditsDbContext db, CreditLedger ledger, AuditQueries audit, TimeProvider clock)
{
    const int Listed = 200;

    /// <summary>Null when Credits knows nothing of the customer (no ledger account and no lifecycle saga).</summary>
    public async Task<ConsoleCustomerPage?> PageAsync(string customerId, long? before, int limit, CancellationToken ct)
    {
        var lifecycle = await db.Set<CustomerLifecycleState>().AsNoTracking().SingleOrDefaultAsync(c => c.CustomerId == customerId, ct);
        var balance = await ledger.GetBalanceAsync(customerId, ct);
        if (lifecycle is null && balance is null) return null;

        var now = clock.GetUtcNow();
        var grants = await db.Set<CreditGrant>().AsNoTracking()
            .Where(g => g.CustomerId == customerId && g.Remaining > 0 && (g.ExpiresAt == null || g.ExpiresAt > now))
            .OrderBy(g => g.Priority).ThenBy(g => g.ExpiresAt).ThenBy(g => g.CreatedAt)
            .Take(Listed).ToListAsync(ct);
        var entries = balance is null ? new Ledger.Queries.EntryPage([], null) : await ledger.GetEntriesAsync(customerId, before, limit, ct);
        var changes = await db.Set<PlanChangeState>().AsNoTracking().Where(p => p.CustomerId == customerId)
            .OrderByDescending(p => p.CreatedAt).Take(Listed).ToListAsync(ct);
        var purchases = await db.Set<TopUpState>().AsNoTracking().Where(t => t.CustomerId == customerId)
            .OrderByDescending(t => t.CreatedAt).Take(Listed).ToListAsync(ct);
        // The chunks' figures only: their content is read one at a time, when downloaded.
        var archive = await db.Set<ArchivedChunk>().AsNoTracking().Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.FirstEntryId).Take(Listed)
            .Select(c => new ConsoleArchivedChunk(c.FirstEntryId, c.LastEntryId, c.Month, c.Entries, c.ArchivedAt, c.VerifiedAt, c.Difference))
            .ToListAsync(ct);

        var sagas = changes.Select(p => ConsoleQueries.Saga("plan change", customerId, PortalQueries.Operation(p), own: true))
            .Concat(purchases.Select(t => ConsoleQueries.Saga("top-up", customerId, PortalQueries.Operation(t), own: true)))
            .Concat(lifecycle is null ? [] : [ConsoleQueries.Saga(lifecycle)])
            .OrderByDescending(s => s.UpdatedAt).ToList();

        var stripe = new ConsoleStripeObjects(lifecycle?.StripeCustomerId, lifecycle?.SubscriptionId, lifecycle?.SubscriptionStatus,
            Items(lifecycle?.Items),
            purchases.Select(t => new ConsoleStripePurchase(t.CorrelationId, t.CurrentState, t.Credits, t.Amount, t.Currency, t.CheckoutSessionId,
                t.PaymentIntentId, t.AmountRefunded, t.DisputeId, t.DisputeStatus, t.CreatedAt)).ToList(),
            changes.Where(p => p.ProrationInvoiceId is not null)
                .Select(p => new ConsoleStripeInvoice(p.ProrationInvoiceId!, "plan change proration", p.CorrelationId, p.CreatedAt)).ToList());

        return new ConsoleCustomerPage(customerId, lifecycle?.Name, lifecycle?.Email, balance?.PlanId ?? lifecycle?.PlanId, lifecycle?.CurrentState,
            balance,
            grants.Select(g => new ConsoleGrant(g.Id, g.Source.ToString(), g.Amount, g.Remaining, g.Priority, g.EffectiveAt, g.ExpiresAt,
                g.IdempotencyKey, g.CreatedAt)).ToList(),
            entries.Entries.Select(ConsoleEntry.From).ToList(), entries.NextBefore, sagas, stripe,
            await audit.DifferencesAsync(null, customerId, Listed, ct),
            await audit.OperatorActionsAsync(customerId, Listed, ct),
            archive);
    }

    /// <summary>One archived chunk's gzipped CSV and the SHA-256 of the CSV; null when the customer has no chunk there.</summary>
    public async Task<(byte[] Content, byte[] Sha256, DateTimeOffset Month)?> ArchivedChunkAsync(string customerId, long firstEntryId, CancellationToken ct)
    {
        var chunk = await db.Set<ArchivedChunk>().AsNoTracking().Where(c => c.CustomerId == customerId && c.FirstEntryId == firstEntryId)
            .Select(c => new { c.Content, c.ContentSha256, c.Month }).SingleOrDefaultAsync(ct);
        return chunk is null ? null : (chunk.Content, chunk.ContentSha256, chunk.Month);
    }

    // The saga writes the items with System.Text.Json's defaults (SagaJson).
    static IReadOnlyList<SubscriptionItem> Items(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<SubscriptionItem>>(json) ?? [];
}
