namespace Credits.Contracts.Customers;

/// <summary>
/// Undoes a cancellation scheduled for the period end (DELETE /v1/customers/{id}/cancellation, the portal's "Resume"):
/// Stripe's <c>cancel_at_period_end=false</c>, and the subscription renews as before. Refused (<see cref="CancellationRejected"/>)
/// when no cancellation is scheduled or the period end is already being carried out. Answered with <see cref="SubscriptionResumed"/>.
/// </summary>
public record ResumeSubscription
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
}
