namespace Credits.Contracts.Customers;

/// <summary>Answer to <see cref="SetCancelAtPeriodEnd"/>: the subscription as Stripe now has it.</summary>
public record CancelAtPeriodEndSet
{
    public Guid OperationId { get; init; }
    public bool CancelAtPeriodEnd { get; init; }
    public string Status { get; init; } = "";
    /// <summary>When Stripe will end it (its <c>cancel_at</c>), null after a resume.</summary>
    public DateTimeOffset? CancelAt { get; init; }
}
