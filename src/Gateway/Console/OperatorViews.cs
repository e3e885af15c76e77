using Credits.Contracts.Customers;
using Credits.Ledger.Queries;

namespace Credits.Gateway.Console;

// What the console's operator actions take and answer. Amounts in credits; times UTC.

/// <summary>POST /console/api/customers/{id}/grants. <see cref="Category"/>: goodwill, promo or correction.</summary>
public sealed record GrantCreditsRequest(long Credits, string? Category, string? Reason, string? Operator, DateTimeOffset? ExpiresAt = null);

/// <summary>POST /console/api/customers/{id}/revocations: take back up to <see cref="Credits"/> unspent credits.</summary>
public sealed record RevokeCreditsRequest(long Credits, string? Category, string? Reason, string? Operator);

/// <summary>
/// A grant or a revocation as it was made: <see cref="Credits"/> granted, or taken (at most <see cref="Requested"/>,
/// fewer when fewer were available). <see cref="Repeated"/>: the same Idempotency-Key again, answered from the first.
/// </summary>
public sealed record CreditAdjustment(long OperatorActionId, string Action, string CustomerId, string Category, long Requested, long Credits,
    Guid? GrantId, IReadOnlyList<long> EntryIds, DateTimeOffset? ExpiresAt, long Available, string Actor, string Reason, DateTimeOffset At,
    bool Repeated);

/// <summary>POST /console/api/audit/differences/{id}/resolve: what was done about it, and why.</summary>
public sealed record ResolveDifferenceRequest(string? Resolution, string? Reason, string? Operator);

/// <summary>POST /console/api/audit/runs: the window to audit (default: the configured lookback up to now).</summary>
public sealed record RunAuditRequest(string? Reason, string? Operator, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A stored money audit difference with its evidence (JSON of <c>AuditEvidence</c>).</summary>
public sealed record ConsoleAuditDifference(Guid Id, string Kind, string Subject, string CustomerId, string? StripeCustomerId, string Expected,
    string Actual, DateTimeOffset OccurredAt, string Evidence, string Status, string? Repair, DateTimeOffset? RepairedAt, string? ResolvedBy,
    string? Resolution, DateTimeOffset? ResolvedAt, Guid FirstRunId, DateTimeOffset FoundAt, DateTimeOffset LastSeenAt);

/// <summary>One money audit run: queued, running, completed, skipped or failed, with what it found.</summary>
public sealed record ConsoleAuditRun(Guid Id, string RequestedBy, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, string Status,
    DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Found, int New, int Repaired, int Cleared,
    string? Error);

/// <summary>A row of the append-only operator action log. <see cref="Details"/>: the request and its outcome, as JSON.</summary>
public sealed record ConsoleOperatorAction(long Id, DateTimeOffset At, string Actor, string Action, string? CustomerId, string? Subject,
    string Reason, string Details);

/// <summary>
/// One customer on one page: the ledger (balance, grants with credits left, a page of entries, newest first: <see cref="NextBefore"/> asks for the next), every saga of theirs,
/// the Stripe objects Credits knows of, the audit differences and operator actions about them, and their archived months.
/// </summary>
public sealed record ConsoleCustomerPage(string CustomerId, string? Name, string? Email, string? PlanId, string? LifecycleState,
    CreditBalance? Balance, IReadOnlyList<ConsoleGrant> Grants, IReadOnlyList<ConsoleEntry> Entries, long? NextBefore, IReadOnlyList<ConsoleSaga> Sagas,
    ConsoleStripeObjects Stripe, IReadOnlyList<ConsoleAuditDifference> AuditDifferences, IReadOnlyList<ConsoleOperatorAction> OperatorActions,
    IReadOnlyList<ConsoleArchivedChunk> Archive);

/// <summary>
/// An archived chunk of the customer's entries (docs/ledger-archive.md), newest first: its content downloads from
/// <c>GET /console/api/customers/{id}/archive/{firstEntryId}</c>. <see cref="Difference"/> is what its last reading back
/// found wrong, if anything.
/// </summary>
public sealed record ConsoleArchivedChunk(long FirstEntryId, long LastEntryId, DateTimeOffset Month, int Entries, DateTimeOffset ArchivedAt,
    DateTimeOffset VerifiedAt, string? Difference);

/// <summary>A grant with credits left or still to come (expired and spent grants show in the entries).</summary>
public sealed record ConsoleGrant(Guid Id, string Source, long Amount, long Remaining, int Priority, DateTimeOffset EffectiveAt,
    DateTimeOffset? ExpiresAt, string IdempotencyKey, DateTimeOffset CreatedAt);

/// <summary>
/// A ledger entry, its kind by name (Grant, Debit, Expiry, Reversal, Hold, Release, Overage, WriteOff, Remainder), and
/// for priced usage what it reported and was priced at.
/// </summary>
public sealed record ConsoleEntry(long Id, string Kind, long Amount, long HeldChange, long Quantity, Guid? GrantId, Guid? ReservationId,
    string IdempotencyKey, DateTimeOffset PeriodStart, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Note,
    EntryPricing? Pricing = null)
{
    public static ConsoleEntry From(LedgerEntryView e) => new(e.Id, e.Kind.ToString(), e.Amount, e.HeldChange, e.Quantity, e.GrantId,
        e.ReservationId, e.IdempotencyKey, e.PeriodStart, e.OccurredAt, e.RecordedAt, e.Note, e.Pricing);
}

/// <summary>The Stripe ids Credits holds for a customer, read from its own tables (no call to Stripe).</summary>
public sealed record ConsoleStripeObjects(string? CustomerId, string? SubscriptionId, string? SubscriptionStatus,
    IReadOnlyList<SubscriptionItem> SubscriptionItems, IReadOnlyList<ConsoleStripePurchase> Purchases, IReadOnlyList<ConsoleStripeInvoice> Invoices);

/// <summary>A top-up's Checkout session, PaymentIntent and dispute.</summary>
public sealed record ConsoleStripePurchase(Guid PurchaseId, string State, long Credits, long Amount, string Currency, string? CheckoutSessionId,
    string? PaymentIntentId, long AmountRefunded, string? DisputeId, string? DisputeStatus, DateTimeOffset CreatedAt);

/// <summary>An invoice Credits recorded: a plan change's proration invoice.</summary>
public sealed record ConsoleStripeInvoice(string InvoiceId, string Purpose, Guid OperationId, DateTimeOffset CreatedAt);
