namespace Credits.Contracts.Customers;

/// <summary>
/// Ends a customer's subscription (POST /v1/customers/{id}/cancellation, the portal's "Cancel plan"). At the period end by
/// default (Stripe's <c>cancel_at_period_end</c>; <see cref="ResumeSubscription"/> undoes it until then); at once with
/// <see cref="Immediately"/> (operators only: the final invoice bills the usage and credits the unused flat fee to the
/// Stripe customer's balance). Answered with <see cref="SubscriptionCancellationScheduled"/> then <see cref="SubscriptionCanceled"/>,
/// or <see cref="CancellationRejected"/> / <see cref="CancellationFailed"/>.
/// </summary>
public record CancelSubscription
{
    public Guid OperationId { get; init; }
    public string CustomerId { get; init; } = "";
    public bool Immediately { get; init; }
    /// <summary>Who asked (api, portal, an operator's name), for the operation's record.</summary>
    public string RequestedBy { get; init; } = "";
}
