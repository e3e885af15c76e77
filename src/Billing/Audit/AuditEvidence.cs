namespace Credits.Billing.Audit;

/// <summary>
/// What shows a difference, stored with it as JSON: the Stripe object ids (PaymentIntents, Checkout sessions,
/// invoices, refunds, disputes, subscription items), the ledger entries (ids) and grants (idempotency keys) involved,
/// and the figures compared.
/// </summary>
public sealed record AuditEvidence
{
    public IReadOnlyList<string> StripeIds { get; init; } = [];
    public IReadOnlyList<long> LedgerEntryIds { get; init; } = [];
    public IReadOnlyList<string> LedgerKeys { get; init; } = [];
    public IReadOnlyDictionary<string, string> Figures { get; init; } = new Dictionary<string, string>();
}
