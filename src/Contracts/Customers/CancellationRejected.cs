namespace Credits.Contracts.Customers;

/// <summary>
/// A <see cref="CancelSubscription"/> or <see cref="ResumeSubscription"/> refused without touching Stripe (HTTP 409): a plan
/// change or another cancellation holds the customer's slot (<see cref="InFlightOperationId"/>), the subscription has ended,
/// or there is nothing to resume.
/// </summary>
public record CancellationRejected
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public Guid? InFlightOperationId { get; init; }
    public string Reason { get; init; } = "";
}
