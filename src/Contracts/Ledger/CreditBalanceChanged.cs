namespace Credits.Contracts.Ledger;

/// <summary>The customer's balance after a ledger operation (for live views such as a server-sent-events stream).</summary>
public record CreditBalanceChanged
{
    public string CustomerId { get; init; } = "";
    public long Available { get; init; }
    public long Held { get; init; }
    public long OverageThisPeriod { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}
