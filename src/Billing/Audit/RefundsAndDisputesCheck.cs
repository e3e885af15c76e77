using Credits.Billing.StripeAdapter;
using Credits.Contracts.TopUps;
using Credits.Ledger.Model;
using Microsoft.Extensions.Options;
using Stripe;

namespace Credits.Billing.Audit;

/// <summary>
/// Refunds and disputes of purchase payments against what the top-up saga took back. A refund created in the window
/// must have its reversal: the saga reverses each increase of Stripe's cumulative refund under
/// <see cref="PurchaseKeys.Reversal"/>, so the ledger must hold a reversal for the payment's whole refunded amount. A
/// dispute created in the window that is open or lost must have its freeze (<see cref="PurchaseKeys.DisputeFreeze"/>);
/// a won one whose freeze took credits must have them back (<see cref="PurchaseKeys.DisputeRestore"/>).
/// <para>
/// No automatic repair: the saga takes back only what is unspent, and the credits may have been spent since the
/// refund; whether to take back less, write it off or bill it is an operator's decision (docs/audit.md). Payments
/// without a grant are the purchase check's (a refunded payment with nothing granted owes nothing back).
/// </para>
/// </summary>
public sealed class RefundsAndDisputesCheck(AuditDatabase database, StripeCalls stripe, IOptions<MoneyAuditOptions> options) : IAuditCheck
{
    /// <summary>Dispute statuses in which the saga has given the frozen credits back (Stripe's won; an inquiry closed without a chargeback).</summary>
    static readonly string[] WonStatuses = ["won", "warning_closed"];

    public string Name => "refunds and disputes";

    public IReadOnlyList<string> Kinds { get; } = [AuditKinds.RefundNotReversed, AuditKinds.DisputeNotFrozen, AuditKinds.DisputeWonNotRestored];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        var settled = run.Now - options.Value.SettleTime;
        var to = run.Window.To < settled ? run.Window.To : settled;
        if (to <= run.Window.From) return;
        var books = new PurchaseBooks(database);
        var range = new DateRangeOptions { GreaterThanOrEqual = run.Window.From.UtcDateTime, LessThan = to.UtcDateTime };

        // https://docs.stripe.com/api/refunds/list and https://docs.stripe.com/api/disputes/list: both take created.
        var refunds = (await stripe.ReadAllAsync("audit: list refunds",
            (c, o, t) => c.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { Created = range, Limit = 100 }, o, t), ct)).GetValueOrThrow();
        var disputes = (await stripe.ReadAllAsync("audit: list disputes",
            (c, o, t) => c.V1.Disputes.ListAutoPagingAsync(new DisputeListOptions { Created = range, Limit = 100 }, o, t), ct)).GetValueOrThrow();
        var intents = refunds.Select(r => r.PaymentIntentId).Concat(disputes.Select(d => d.PaymentIntentId)).OfType<string>().ToHashSet();
        if (intents.Count == 0) return;

        var purchaseOf = await PurchasesOfAsync(books, intents, ct);
        var purchases = await books.PurchasesAsync(purchaseOf.Values.ToList(), ct);
        var grants = (await books.EntriesUnderAsync(
                purchaseOf.Values.Select(id => (purchases.GetValueOrDefault(id)?.CustomerId, PurchaseKeys.Grant(id))).ToList(), ct))
            .Where(e => e.Kind == nameof(EntryKind.Grant)).ToDictionary(e => e.Key);

        foreach (var refunded in refunds.Where(r => r.PaymentIntentId is not null).GroupBy(r => r.PaymentIntentId!))
        {
            if (!purchaseOf.TryGetValue(refunded.Key, out var purchaseId) || !purchases.TryGetValue(purchaseId, out var purchase)) continue;
            if (!grants.TryGetValue(PurchaseKeys.Grant(purchaseId), out var grant)) continue;
            await CheckRefundsAsync(run, books, refunded.Key, refunded.ToList(), purchase, grant, settled, ct);
        }
        foreach (var dispute in disputes.Where(d => d.PaymentIntentId is not null))
        {
            if (!purchaseOf.TryGetValue(dispute.PaymentIntentId, out var purchaseId) || !purchases.TryGetValue(purchaseId, out var purchase)) continue;
            if (!grants.TryGetValue(PurchaseKeys.Grant(purchaseId), out var grant)) continue;
            await CheckDisputeAsync(run, books, dispute, purchase, grant, ct);
        }
    }

    async Task CheckRefundsAsync(AuditRunContext run, PurchaseBooks books, string paymentIntentId, List<Refund> inWindow,
        PurchaseBooks.Purchase purchase, PurchaseBooks.Entry grant, DateTimeOffset settled, CancellationToken ct)
    {
        // The whole refunded amount, refunds before the window included (Stripe's reversal keys are cumulative); the
        // ones still settling are left for the next run.
        var all = (await stripe.ReadAllAsync("audit: list a payment's refunds",
            (c, o, t) => c.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = paymentIntentId, Limit = 100 }, o, t), ct)).GetValueOrThrow();
        var counted = all.Where(r => r.Status is "succeeded" or "pending" && StripeTime.Utc(r.Created) < settled).ToList();
        var refundedTotal = counted.Sum(r => r.Amount);
        if (refundedTotal <= 0) return;

        var reversals = await books.ReversalsOfAsync(purchase.CustomerId, grant.GrantId!.Value, ct);
        var refundReversals = reversals.Where(r => PurchaseKeys.RefundedUpTo(purchase.PurchaseId, r.Key) is not null).ToList();
        var reversedUpTo = refundReversals.Select(r => PurchaseKeys.RefundedUpTo(purchase.PurchaseId, r.Key)!.Value).DefaultIfEmpty(0).Max();
        if (reversedUpTo >= refundedTotal) return;

        var expected = RefundShare.Credits(purchase.Credits, purchase.Amount, 0, refundedTotal);
        var takenBack = refundReversals.Sum(r => r.Quantity);
        var latest = counted.MaxBy(r => r.Created)!;
        run.Report(new AuditFinding
        {
            Kind = AuditKinds.RefundNotReversed, Subject = paymentIntentId, CustomerId = purchase.CustomerId, StripeCustomerId = purchase.StripeCustomerId,
            Expected = $"the unspent share of {expected} credits taken back for {refundedTotal} {purchase.Currency} refunded (key {PurchaseKeys.Reversal(purchase.PurchaseId, refundedTotal)})",
            Actual = reversedUpTo == 0 ? "no reversal" : $"reversed for {reversedUpTo} {purchase.Currency} refunded only ({takenBack} credits taken back)",
            OccurredAt = StripeTime.Utc(latest.Created),
            Evidence = new AuditEvidence
            {
                StripeIds = [paymentIntentId, .. counted.Select(r => r.Id)],
                LedgerEntryIds = [grant.EntryId, .. refundReversals.Select(r => r.EntryId)],
                LedgerKeys = [grant.Key, PurchaseKeys.Reversal(purchase.PurchaseId, refundedTotal)],
                Figures = new Dictionary<string, string>
                {
                    ["purchase_id"] = purchase.PurchaseId.ToString(),
                    ["paid"] = $"{purchase.Amount} {purchase.Currency}",
                    ["refunded"] = $"{refundedTotal} {purchase.Currency}",
                    ["reversed_for"] = $"{reversedUpTo} {purchase.Currency}",
                    ["credits_granted"] = grant.Quantity.ToString(),
                    ["expected_credits_back"] = expected.ToString(),
                    ["taken_back"] = takenBack.ToString(),
                },
            },
        });
    }

    async Task CheckDisputeAsync(AuditRunContext run, PurchaseBooks books, Dispute dispute, PurchaseBooks.Purchase purchase,
        PurchaseBooks.Entry grant, CancellationToken ct)
    {
        var freezeKey = PurchaseKeys.DisputeFreeze(purchase.PurchaseId, dispute.Id);
        var restoreKey = PurchaseKeys.DisputeRestore(purchase.PurchaseId, dispute.Id);
        var entries = await books.EntriesUnderAsync([(purchase.CustomerId, freezeKey), (purchase.CustomerId, restoreKey)], ct);
        var freeze = entries.FirstOrDefault(e => e.Key == freezeKey);
        var restore = entries.FirstOrDefault(e => e.Key == restoreKey);
        var share = RefundShare.Credits(purchase.Credits, purchase.Amount, 0, dispute.Amount);
        var won = WonStatuses.Contains(dispute.Status);

        // Won without a freeze is right too: the saga never froze (the closing event overtook the opening one).
        if (won && (freeze is null || freeze.Quantity == 0 || restore is not null)) return;
        if (!won && freeze is not null) return;

        run.Report(new AuditFinding
        {
            Kind = won ? AuditKinds.DisputeWonNotRestored : AuditKinds.DisputeNotFrozen,
            Subject = dispute.Id, CustomerId = purchase.CustomerId, StripeCustomerId = purchase.StripeCustomerId,
            Expected = won ? $"the {freeze!.Quantity} frozen credits given back (key {restoreKey})"
                : $"the unspent share of {share} credits frozen for {dispute.Amount} {dispute.Currency} disputed (key {freezeKey})",
            Actual = won ? $"dispute {dispute.Status}, credits still frozen" : $"dispute {dispute.Status}, nothing frozen",
            OccurredAt = StripeTime.Utc(dispute.Created),
            Evidence = new AuditEvidence
            {
                StripeIds = [dispute.Id, dispute.ChargeId, dispute.PaymentIntentId],
                LedgerEntryIds = freeze is null ? [grant.EntryId] : [grant.EntryId, freeze.EntryId],
                LedgerKeys = [grant.Key, won ? restoreKey : freezeKey],
                Figures = new Dictionary<string, string>
                {
                    ["purchase_id"] = purchase.PurchaseId.ToString(),
                    ["paid"] = $"{purchase.Amount} {purchase.Currency}",
                    ["disputed"] = $"{dispute.Amount} {dispute.Currency}",
                    ["dispute_status"] = dispute.Status,
                    ["credits_granted"] = grant.Quantity.ToString(),
                    ["expected_credits_frozen"] = share.ToString(),
                    ["frozen"] = (freeze?.Quantity ?? 0).ToString(),
                    ["saga_dispute_status"] = purchase.DisputeStatus ?? "none",
                },
            },
        });
    }

    /// <summary>
    /// The purchase of each PaymentIntent: from the saga rows that recorded it, else from the PaymentIntent's own
    /// metadata (a payment whose webhook never reached the saga). A PaymentIntent of no purchase (an invoice's) is left out.
    /// </summary>
    async Task<Dictionary<string, Guid>> PurchasesOfAsync(PurchaseBooks books, HashSet<string> intents, CancellationToken ct)
    {
        var known = await books.PurchasesPaidByAsync(intents, ct);
        foreach (var unknown in intents.Where(i => !known.ContainsKey(i)))
        {
            var intent = (await stripe.ReadAsync("audit: get payment intent", (c, o, t) => c.V1.PaymentIntents.GetAsync(unknown, null, o, t), ct))
                .GetValueOrThrow();
            if (PurchaseKeys.PurchaseOf(intent.Metadata) is { } purchaseId) known[unknown] = purchaseId;
        }
        return known;
    }
}
