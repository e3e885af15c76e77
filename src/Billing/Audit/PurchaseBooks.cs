using Credits.Contracts.TopUps;
using Credits.Ledger.Archive;
using Credits.Ledger.Model;
using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Audit;

/// <summary>
/// What Credits' own books say about purchases, read by SQL for the purchase, refund and dispute checks: the top-up
/// saga's rows (table top_up_saga; Billing does not reference the Sagas project, so the columns are named here) and
/// the ledger entries a purchase's steps wrote under its keys (<see cref="PurchaseKeys"/>). Every read is by key or by
/// an indexed column, so the cost follows the purchases audited, not the size of the ledger.
/// </summary>
public sealed class PurchaseBooks(AuditDatabase database)
{
    readonly DbContext db = database.Db;

    /// <summary>A purchase as its top-up saga holds it.</summary>
    public sealed class Purchase
    {
        public Guid PurchaseId { get; init; }
        public string State { get; init; } = "";
        public string CustomerId { get; init; } = "";
        public string StripeCustomerId { get; init; } = "";
        public long Credits { get; init; }
        public long Amount { get; init; }
        public string Currency { get; init; } = "";
        public string? PaymentIntentId { get; init; }
        public long AmountRefunded { get; init; }
        public string? DisputeId { get; init; }
        public string? DisputeStatus { get; init; }
        public long? CreditsFrozen { get; init; }
    }

    /// <summary>A ledger entry written under one of a purchase's keys (or any purchase grant's entry).</summary>
    public sealed class Entry
    {
        public long EntryId { get; init; }
        public string CustomerId { get; init; } = "";
        public string Key { get; init; } = "";
        public string Kind { get; init; } = "";
        public long Quantity { get; init; }
        public Guid? GrantId { get; init; }
        public string? Note { get; init; }
        public DateTimeOffset RecordedAt { get; init; }
    }

    public async Task<Dictionary<Guid, Purchase>> PurchasesAsync(IReadOnlyCollection<Guid> purchaseIds, CancellationToken ct)
    {
        if (purchaseIds.Count == 0) return [];
        var ids = purchaseIds.Distinct().ToArray();
        return await db.Database.SqlQuery<Purchase>($"""
            SELECT correlation_id AS "PurchaseId", current_state AS "State", customer_id AS "CustomerId",
                   stripe_customer_id AS "StripeCustomerId", credits AS "Credits", amount AS "Amount", currency AS "Currency",
                   payment_intent_id AS "PaymentIntentId", amount_refunded AS "AmountRefunded", dispute_id AS "DisputeId",
                   dispute_status AS "DisputeStatus", credits_frozen AS "CreditsFrozen"
            FROM top_up_saga WHERE correlation_id = ANY({ids})
            """).ToDictionaryAsync(p => p.PurchaseId, ct);
    }

    /// <summary>The purchases that recorded these PaymentIntents (refunds and disputes name the PaymentIntent, not the purchase).</summary>
    public async Task<Dictionary<string, Guid>> PurchasesPaidByAsync(IReadOnlyCollection<string> paymentIntentIds, CancellationToken ct)
    {
        if (paymentIntentIds.Count == 0) return [];
        var ids = paymentIntentIds.Distinct().ToArray();
        var rows = await db.Database.SqlQuery<PaidBy>($"""
            SELECT payment_intent_id AS "PaymentIntentId", correlation_id AS "PurchaseId"
            FROM top_up_saga WHERE payment_intent_id = ANY({ids})
            """).ToListAsync(ct);
        return rows.GroupBy(r => r.PaymentIntentId).ToDictionary(g => g.Key, g => g.First().PurchaseId);
    }

    sealed class PaidBy
    {
        public string PaymentIntentId { get; init; } = "";
        public Guid PurchaseId { get; init; }
    }

    /// <summary>
    /// Entries written under exactly these keys (the unique index on entry keys finds them), and, for a key not in the hot
    /// table whose customer is known, in the customer's archived months (a refund can name a purchase months old).
    /// </summary>
    public async Task<List<Entry>> EntriesUnderAsync(IReadOnlyCollection<(string? CustomerId, string Key)> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return [];
        var wanted = keys.Select(k => k.Key).Distinct().ToArray();
        var hashes = wanted.Select(EntryHashes.Key).ToArray();
        var entries = await db.Database.SqlQuery<Entry>($"""
            SELECT id AS "EntryId", customer_id AS "CustomerId", idempotency_key AS "Key", kind AS "Kind", quantity AS "Quantity",
                   grant_id AS "GrantId", note AS "Note", recorded_at AS "RecordedAt"
            FROM ledger_entries WHERE key_hash = ANY({hashes}) AND idempotency_key = ANY({wanted})
            """).ToListAsync(ct);
        var hot = entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var archived = await ArchivedEntries.UnderKeysAsync(db,
            [.. keys.Where(k => k.CustomerId is not null && !hot.Contains(k.Key)).Select(k => (k.CustomerId!, k.Key))], ct);
        entries.AddRange(archived.Select(a => new Entry
        {
            EntryId = a.Entry.Id, CustomerId = a.CustomerId, Key = a.Entry.IdempotencyKey, Kind = a.Entry.Kind.ToString(),
            Quantity = a.Entry.Quantity, GrantId = a.Entry.GrantId, Note = a.Entry.Note, RecordedAt = a.Entry.RecordedAt,
        }));
        return entries;
    }

    /// <summary>The grant entry of each grant, by grant id, found under the grant's key; grants without one are left out.</summary>
    public async Task<Dictionary<Guid, Entry>> GrantEntriesAsync(IReadOnlyCollection<(string CustomerId, string Key, Guid GrantId)> grants,
        CancellationToken ct)
    {
        var wanted = grants.Select(g => g.GrantId).ToHashSet();
        return (await EntriesUnderAsync([.. grants.Select(g => ((string?)g.CustomerId, g.Key))], ct))
            .Where(e => e.Kind == nameof(EntryKind.Grant) && e.GrantId is { } id && wanted.Contains(id))
            .DistinctBy(e => e.GrantId).ToDictionary(e => e.GrantId!.Value);
    }

    /// <summary>Reversal entries of one grant (refunds and dispute freezes), by the customer's entries index.</summary>
    public Task<List<Entry>> ReversalsOfAsync(string customerId, Guid grantId, CancellationToken ct) =>
        db.Database.SqlQuery<Entry>($"""
            SELECT id AS "EntryId", customer_id AS "CustomerId", idempotency_key AS "Key", kind AS "Kind", quantity AS "Quantity",
                   grant_id AS "GrantId", note AS "Note", recorded_at AS "RecordedAt"
            FROM ledger_entries WHERE customer_id = {customerId} AND grant_id = {grantId} AND kind = 'Reversal'
            ORDER BY id
            """).ToListAsync(ct);

    /// <summary>The grant entries of every purchase-source grant made in [from, to): what each must be backed by a payment.</summary>
    public Task<List<Entry>> PurchaseGrantsMadeAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        db.Database.SqlQuery<Entry>($"""
            SELECT e.id AS "EntryId", e.customer_id AS "CustomerId", e.idempotency_key AS "Key", e.kind AS "Kind", e.quantity AS "Quantity",
                   e.grant_id AS "GrantId", e.note AS "Note", e.recorded_at AS "RecordedAt"
            FROM ledger_grants g JOIN ledger_entries e
                ON e.key_hash = md5(g.idempotency_key)::uuid AND e.idempotency_key = g.idempotency_key AND e.kind = 'Grant'
            WHERE g.source = 'Purchase' AND g.created_at >= {from} AND g.created_at < {to}
            """).ToListAsync(ct);
}
