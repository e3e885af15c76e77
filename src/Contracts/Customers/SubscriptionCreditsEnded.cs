namespace Credits.Contracts.Customers;

/// <summary>Answer to <see cref="EndSubscriptionCredits"/>: how many credits of the plan's allowance lapsed.</summary>
public record SubscriptionCreditsEnded
{
    public Guid OperationId { get; init; }
    public long Lapsed { get; init; }
}
