namespace Credits.Contracts.Customers;

/// <summary>From the customer saga to the cancellation saga holding the slot: undo it (<see cref="ResumeSubscription"/>).</summary>
public record ResumeCancellation
{
    /// <summary>The scheduled cancellation.</summary>
    public Guid OperationId { get; init; }
    public Guid ResumeOperationId { get; init; }
    public string CustomerId { get; init; } = "";
}
