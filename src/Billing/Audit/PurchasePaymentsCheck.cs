using System.Text.RegularExpressions;
using Credits.Billing.StripeAdapter;
using Credits.Billing.Webhooks;
using Credits.Contracts.TopUps;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stripe;

namespace Credits.Billing.Audit;

/// <summary>
/// Purchases: every succeeded PaymentIntent of a purchase (metadata <c>purchase_id</c>, on saved-card charges and on a
/// Checkout session's PaymentIntent alike) created in the window has exactly one purchase grant, under the top-up
/// saga's grant key, for the credits the purchase asked for; every purchase grant made in the window has a succeeded
/// payment. A payment refunded in full needs no grant. Stripe is read by one <c>created</c>-range list (100 a page),
/// not per customer.
/// <para>
/// The one safe repair: a payment whose amount, currency and customer are the purchase's, not refunded, with no grant
/// (its webhook never reached Credits) is granted the purchase's credits under the saga's own grant key. The ledger
/// answers a second grant under that key as a duplicate, so the saga granting later (its webhook arriving after all)
/// adds nothing. Everything else goes to an operator: docs/audit.md.
/// </para>
/// </summary>
public sealed partial class PurchasePaymentsCheck(AuditDatabase database, StripeCalls stripe, IServiceScopeFactory scopes,
    IOptions<MoneyAuditOptions> options) : IAuditCheck
{
    public string Name => "purchases";

    public IReadOnlyList<string> Kinds { get; } =
        [AuditKinds.PurchaseWithoutGrant, AuditKinds.GrantWithoutPayment, AuditKinds.PurchaseGrantedTwice, AuditKinds.PurchaseGrantAmount];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        // Younger than the settle time is in flight (the webhook, the saga's grant step), not a difference.
        var settled = run.Now - options.Value.SettleTime;
        var to = run.Window.To < settled ? run.Window.To : settled;
        if (to <= run.Window.From) return;
        var books = new PurchaseBooks(database);

        var payments = await SucceededPurchasePaymentsAsync(run.Window.From, to, ct);
        var grantsMade = await books.PurchaseGrantsMadeAsync(run.Window.From, to, ct);
        var purchaseIds = payments.Select(p => p.PurchaseId)
            .Concat(grantsMade.Select(g => PurchaseKeys.PurchaseOfKey(g.Key)).OfType<Guid>())
            .Concat(grantsMade.SelectMany(g => PurchasesNamedIn(g.Note)))
            .ToHashSet();
        var purchases = await books.PurchasesAsync(purchaseIds, ct);
        var grants = (await books.EntriesUnderAsync(
                purchaseIds.Select(id => (purchases.GetValueOrDefault(id)?.CustomerId, PurchaseKeys.Grant(id))).ToList(), ct))
            .Where(e => e.Kind == nameof(EntryKind.Grant)).ToDictionary(e => e.Key);

        foreach (var ofOnePurchase in payments.GroupBy(p => p.PurchaseId))
        {
            purchases.TryGetValue(ofOnePurchase.Key, out var purchase);
            grants.TryGetValue(PurchaseKeys.Grant(ofOnePurchase.Key), out var grant);
            // The grant stands for the payment the saga recorded (else the first); a second payment of the same
            // purchase has no grant of its own: the customer paid twice.
            var ordered = ofOnePurchase.OrderBy(p => p.Intent.Created).ToList();
            var granted = ordered.FirstOrDefault(p => p.Intent.Id == purchase?.PaymentIntentId) ?? ordered[0];
            CheckPayment(run, granted, purchase, grant);
            foreach (var extra in ordered.Where(p => p != granted))
                PaidTwice(run, extra, granted, purchase, grant);
        }

        var paid = payments.ToDictionary(p => p.Intent.Id);
        foreach (var made in grantsMade)
            await CheckGrantAsync(run, made, payments, paid, purchases, grants, ct);
    }

    sealed record Payment(PaymentIntent Intent, Guid PurchaseId)
    {
        /// <summary>What Stripe has given back of it (the latest charge's amount_refunded).</summary>
        public long Refunded => Intent.LatestCharge?.AmountRefunded ?? 0;
        public string CustomerId => Intent.Metadata.GetValueOrDefault(StripeEventTranslator.CustomerIdMetadataKey) ?? "";
    }

    /// <summary>
    /// Succeeded PaymentIntents created in [from, to) that carry purchase metadata, with their latest charge (for
    /// refunds) in the same pages. https://docs.stripe.com/api/payment_intents/list (created, limit, starting_after),
    /// https://docs.stripe.com/expand#lists (data.latest_charge).
    /// </summary>
    async Task<List<Payment>> SucceededPurchasePaymentsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var list = new PaymentIntentListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = from.UtcDateTime, LessThan = to.UtcDateTime },
            Limit = 100,
            Expand = ["data.latest_charge"],
        };
        return (await stripe.ReadAsync("audit: list payment intents", async (c, o, t) =>
        {
            var found = new List<Payment>();
            await foreach (var intent in c.V1.PaymentIntents.ListAutoPagingAsync(list, o, t))
                if (intent.Status == "succeeded" && PurchaseKeys.PurchaseOf(intent.Metadata) is { } purchaseId)
                    found.Add(new Payment(intent, purchaseId));
            return found;
        }, ct)).GetValueOrThrow();
    }

    void CheckPayment(AuditRunContext run, Payment payment, PurchaseBooks.Purchase? purchase, PurchaseBooks.Entry? grant)
    {
        var intent = payment.Intent;
        var key = PurchaseKeys.Grant(payment.PurchaseId);
        var matches = purchase is not null && intent.Amount == purchase.Amount
                      && string.Equals(intent.Currency, purchase.Currency, StringComparison.OrdinalIgnoreCase)
                      && intent.CustomerId == purchase.StripeCustomerId;
        if (grant is null)
        {
            // A payment given back in full owes no credits.
            if (payment.Refunded >= intent.Amount) return;
            var why = purchase is null ? "no purchase saga has this purchase id: nobody asked Credits for these credits"
                : !matches ? $"the payment ({Money(intent.Amount, intent.Currency)}, {intent.CustomerId}) is not the purchase's ({Money(purchase.Amount, purchase.Currency)}, {purchase.StripeCustomerId})"
                : payment.Refunded > 0 ? $"{Money(payment.Refunded, intent.Currency)} of it was refunded: how many credits it still owes is an operator's call"
                : null;
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.PurchaseWithoutGrant, Subject = intent.Id,
                CustomerId = purchase?.CustomerId ?? payment.CustomerId, StripeCustomerId = intent.CustomerId,
                Expected = purchase is null ? $"a purchase grant under {key}" : $"one purchase grant of {purchase.Credits} credits under {key}",
                Actual = why is null ? "no grant" : $"no grant; not repaired: {why}",
                OccurredAt = StripeTime.Utc(intent.Created),
                Evidence = Evidence(payment, purchase, key, grant: null),
                Repair = why is null ? GrantMissingCredits(purchase!, intent) : null,
            });
            return;
        }
        if (purchase is null) return; // granted under the purchase's key: the payment has its grant
        if (grant.Quantity != purchase.Credits || !matches)
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.PurchaseGrantAmount, Subject = intent.Id, CustomerId = purchase.CustomerId, StripeCustomerId = intent.CustomerId,
                Expected = $"{purchase.Credits} credits for {Money(purchase.Amount, purchase.Currency)} paid by {purchase.StripeCustomerId}",
                Actual = $"{grant.Quantity} credits granted for {Money(intent.Amount, intent.Currency)} paid by {intent.CustomerId}",
                OccurredAt = StripeTime.Utc(intent.Created),
                Evidence = Evidence(payment, purchase, key, grant),
            });
    }

    void PaidTwice(AuditRunContext run, Payment extra, Payment granted, PurchaseBooks.Purchase? purchase, PurchaseBooks.Entry? grant)
    {
        if (extra.Refunded >= extra.Intent.Amount) return;
        var key = PurchaseKeys.Grant(extra.PurchaseId);
        run.Report(new AuditFinding
        {
            Kind = AuditKinds.PurchaseWithoutGrant, Subject = extra.Intent.Id,
            CustomerId = purchase?.CustomerId ?? extra.CustomerId, StripeCustomerId = extra.Intent.CustomerId,
            Expected = "one payment per purchase, each with its grant",
            Actual = $"a second succeeded payment of purchase {extra.PurchaseId}; its one grant ({key}) stands for {granted.Intent.Id}: refund one or grant by hand",
            OccurredAt = StripeTime.Utc(extra.Intent.Created),
            Evidence = Evidence(extra, purchase, key, grant) with { StripeIds = [extra.Intent.Id, granted.Intent.Id] },
        });
    }

    async Task CheckGrantAsync(AuditRunContext run, PurchaseBooks.Entry made, List<Payment> payments, Dictionary<string, Payment> paid,
        Dictionary<Guid, PurchaseBooks.Purchase> purchases, Dictionary<string, PurchaseBooks.Entry> grants, CancellationToken ct)
    {
        if (PurchaseKeys.PurchaseOfKey(made.Key) is { } purchaseId)
        {
            // A won dispute's restore is a purchase grant too; the dispute check answers for it.
            if (made.Key != PurchaseKeys.Grant(purchaseId)) return;
            if (payments.Any(p => p.PurchaseId == purchaseId)) return;
            // Paid before the window (the grant came later): the saga recorded its PaymentIntent.
            purchases.TryGetValue(purchaseId, out var purchase);
            if (purchase?.PaymentIntentId is { } recorded && await IsPaymentOfAsync(recorded, purchaseId, ct)) return;
            ReportUnpaid(run, made, purchase, $"no succeeded payment of purchase {purchaseId}" +
                                              (purchase is null ? " and no purchase saga" : $" (the saga, {purchase.State}, records {purchase.PaymentIntentId ?? "no payment"})"));
            return;
        }
        // Not a saga key: a purchase grant made some other way. If it names a purchase that has its own grant, that
        // purchase is granted twice; otherwise nothing backs it.
        foreach (var named in PurchasesNamedIn(made.Note).Concat(PaymentsNamedIn(made.Note).Where(paid.ContainsKey).Select(pi => paid[pi].PurchaseId)))
        {
            if (!grants.TryGetValue(PurchaseKeys.Grant(named), out var own)) continue;
            purchases.TryGetValue(named, out var purchase);
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.PurchaseGrantedTwice, Subject = named.ToString(), CustomerId = made.CustomerId,
                StripeCustomerId = purchase?.StripeCustomerId,
                Expected = $"one purchase grant for purchase {named} ({PurchaseKeys.Grant(named)})",
                Actual = $"also granted {made.Quantity} credits under {made.Key} (entry {made.EntryId})",
                OccurredAt = made.RecordedAt,
                Evidence = new AuditEvidence
                {
                    StripeIds = purchase?.PaymentIntentId is { } pi ? [pi] : [],
                    LedgerEntryIds = [own.EntryId, made.EntryId], LedgerKeys = [own.Key, made.Key],
                    Figures = new Dictionary<string, string> { ["first_grant"] = own.Quantity.ToString(), ["second_grant"] = made.Quantity.ToString() },
                },
            });
            return;
        }
        ReportUnpaid(run, made, null, "a purchase grant that names no purchase");
    }

    static void ReportUnpaid(AuditRunContext run, PurchaseBooks.Entry made, PurchaseBooks.Purchase? purchase, string actual) =>
        run.Report(new AuditFinding
        {
            Kind = AuditKinds.GrantWithoutPayment, Subject = made.Key, CustomerId = made.CustomerId, StripeCustomerId = purchase?.StripeCustomerId,
            Expected = "a succeeded payment behind the purchase grant",
            Actual = $"{made.Quantity} credits granted (entry {made.EntryId}); {actual}",
            OccurredAt = made.RecordedAt,
            Evidence = new AuditEvidence
            {
                StripeIds = purchase?.PaymentIntentId is { } pi ? [pi] : [],
                LedgerEntryIds = [made.EntryId], LedgerKeys = [made.Key],
                Figures = new Dictionary<string, string> { ["credits_granted"] = made.Quantity.ToString() },
            },
        });

    async Task<bool> IsPaymentOfAsync(string paymentIntentId, Guid purchaseId, CancellationToken ct)
    {
        var intent = (await stripe.ReadAsync("audit: get payment intent", (c, o, t) => c.V1.PaymentIntents.GetAsync(paymentIntentId, null, o, t), ct))
            .GetValueOrThrow();
        return intent.Status == "succeeded" && PurchaseKeys.PurchaseOf(intent.Metadata) == purchaseId;
    }

    /// <summary>
    /// The safe repair: the purchase's credits under the saga's own grant key, so the ledger keeps it to one grant
    /// whoever writes it first. In a scope of its own: its own DbContext and transaction, committed on their own, so it
    /// neither saves nor rolls back the audit's unsaved rows (nor joins a consumer's transaction when the console
    /// asked for the run).
    /// </summary>
    Func<CancellationToken, Task<string>> GrantMissingCredits(PurchaseBooks.Purchase purchase, PaymentIntent intent) => async ct =>
    {
        var key = PurchaseKeys.Grant(purchase.PurchaseId);
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CreditLedger>().GrantAsync(new GrantCredits
        {
            CustomerId = purchase.CustomerId,
            IdempotencyKey = key,
            Credits = purchase.Credits,
            Source = GrantSource.Purchase,
            Note = $"purchase {purchase.PurchaseId}: granted by the money audit for {intent.Id} ({Money(intent.Amount, intent.Currency)}), whose payment never reached the saga",
        }, ct);
        if (!result.Succeeded) throw new InvalidOperationException($"the ledger did not grant under {key}: {result.Outcome} {result.Reason}");
        return result.Outcome == LedgerOutcome.Duplicate
            ? $"already granted under {key} (grant {result.GrantId}): nothing added"
            : $"granted {result.Granted} credits for {intent.Id} under {key} (grant {result.GrantId})";
    };

    static AuditEvidence Evidence(Payment payment, PurchaseBooks.Purchase? purchase, string key, PurchaseBooks.Entry? grant)
    {
        var figures = new Dictionary<string, string>
        {
            ["purchase_id"] = payment.PurchaseId.ToString(),
            ["paid"] = Money(payment.Intent.Amount, payment.Intent.Currency),
            ["refunded"] = Money(payment.Refunded, payment.Intent.Currency),
        };
        if (purchase is not null)
        {
            figures["purchase_amount"] = Money(purchase.Amount, purchase.Currency);
            figures["purchase_credits"] = purchase.Credits.ToString();
            figures["purchase_state"] = purchase.State;
        }
        if (grant is not null) figures["credits_granted"] = grant.Quantity.ToString();
        return new AuditEvidence
        {
            StripeIds = payment.Intent.LatestChargeId is { } charge ? [payment.Intent.Id, charge] : [payment.Intent.Id],
            LedgerEntryIds = grant is null ? [] : [grant.EntryId],
            LedgerKeys = [key],
            Figures = figures,
        };
    }

    static IEnumerable<Guid> PurchasesNamedIn(string? note) =>
        note is null ? [] : GuidPattern().Matches(note).Select(m => Guid.Parse(m.Value));

    static IEnumerable<string> PaymentsNamedIn(string? note) =>
        note is null ? [] : PaymentIntentPattern().Matches(note).Select(m => m.Value);

    static string Money(long amount, string? currency) => $"{amount} {currency}";

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\bpi_[A-Za-z0-9]+")]
    private static partial Regex PaymentIntentPattern();
}
