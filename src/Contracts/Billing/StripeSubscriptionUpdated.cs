namespace Credits.Contracts.Billing;

/// <summary>
/// Stripe <c>customer.subscription.created|updated|deleted</c>: the subscription as Stripe has it now.
/// Older events for the same subscription are never published after a newer one (ordering by
/// <see cref="EventCreated"/>), so consumers may take it as the latest known state.
/// </summary>
public record StripeSubscriptionUpdated
{
    public string EventId { get; init; } = "";
    public string EventType { get; init; } = "";
    public DateTimeOffset EventCreated { get; init; }
    public string SubscriptionId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
    public string? CustomerId { get; init; }
    /// <summary>active, past_due, incomplete, canceled...</summary>
    public string Status { get; init; } = "";
    public bool CancelAtPeriodEnd { get; init; }
    /// <summary>Stripe's cancellation_details.reason once it is set to end or has ended (cancellation_requested, payment_failed...).</summary>
    public string? CancellationReason { get; init; }
    public IReadOnlyList<StripeSubscriptionItemState> Items { get; init; } = [];
}
