namespace Credits.Contracts.Ledger;

/// <summary>
/// Step command for the ledger: report a <see cref="CreditBalanceLow"/> when the customer's available credits
/// fall to <see cref="Threshold"/> (its auto top-up threshold), besides the plan's thresholds. Null = none.
/// </summary>
public record SetCustomerLowBalanceThreshold
{
    public string CustomerId { get; init; } = "";
    public long? Threshold { get; init; }
}
