namespace Credits.Billing.Audit;

/// <summary>The span an audit run covers: Stripe objects created, and ledger entries recorded, in [From, To).</summary>
public readonly record struct AuditWindow(DateTimeOffset From, DateTimeOffset To)
{
    public bool Contains(DateTimeOffset t) => t >= From && t < To;

    public override string ToString() => $"{From:O}..{To:O}";
}
