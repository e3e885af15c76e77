using Credits.Sagas.StateMachines;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>
/// Metadata on every Stripe object of a purchase: the webhook translator reads purchase_id to route
/// checkout and payment events to the right top-up saga.
/// </summary>
static class PurchaseMetadata
{
    public static Dictionary<string, string> For(Guid purchaseId, string customerId) => new()
    {
        [TopUpStateMachine.PurchaseIdMetadata] = purchaseId.ToString(),
        [StripeSubscriptions.CustomerIdMetadata] = customerId,
    };
}
