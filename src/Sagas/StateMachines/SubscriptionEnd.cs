using Credits.Contracts.Billing;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// When Stripe's update says a subscription is over: the customer's and the cancellation's sagas read it alike, and the
/// cancellation's endpoint lets no other update through (<see cref="RelevantOnlyFilter{TMessage}"/>).
/// </summary>
static class SubscriptionEnd
{
    /// <summary>customer.subscription.deleted, or any event showing the subscription canceled.</summary>
    public static bool Is(StripeSubscriptionUpdated update) =>
        update.EventType == "customer.subscription.deleted" || update.Status == "canceled";
}
