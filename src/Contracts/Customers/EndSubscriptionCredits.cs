namespace Credits.Contracts.Customers;

/// <summary>
/// Step command for the ledger when a subscription has ended: the plan's allowance and rollover still unspent lapse now
/// (no rollover, there is no next period) and the account stays on <see cref="FreePlanId"/>'s terms. Purchased, promotional
/// and manual credits stay. Answer: <see cref="SubscriptionCreditsEnded"/> or a fault.
/// </summary>
public record EndSubscriptionCredits
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public string FreePlanId { get; init; } = "";
}
