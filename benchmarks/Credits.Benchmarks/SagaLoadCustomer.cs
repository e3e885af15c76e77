namespace Credits.Benchmarks;

/// <summary>
/// One customer of the saga load scenario: what it was given (a declined card or not, saved card or Checkout
/// for its top-up) and its two sagas (the plan change to Pro and the top-up), with when each command was
/// published and when the saga was first seen in a final state (milliseconds since the load began).
/// </summary>
public sealed class SagaLoadCustomer(int index, string runId)
{
    public int Index { get; } = index;
    public string CustomerId { get; } = $"{runId}-{index:D4}";

    /// <summary>Every tenth customer's saved card is pm_card_chargeCustomerFail (attaches, declines when charged): the upgrade compensates, a saved-card top-up is cancelled.</summary>
    public bool Declined => Index % 10 == 0;

    /// <summary>Half of the top-ups charge the saved card; the others go through Checkout (half of the declined customers too).</summary>
    public bool SavedCard => Index % 20 < 10;

    public string TestCard => Declined ? "pm_card_chargeCustomerFail" : "pm_card_visa";

    public string StripeCustomerId { get; set; } = "";
    public string SubscriptionId { get; set; } = "";

    public Guid OperationId { get; } = Guid.NewGuid();
    public Guid PurchaseId { get; } = Guid.NewGuid();

    public double ChangePublishedAt { get; set; }
    public double PurchasePublishedAt { get; set; }
    public double? ChangeFinalAt { get; set; }
    public double? PurchaseFinalAt { get; set; }
    public string ChangeState { get; set; } = "";
    public string PurchaseState { get; set; } = "";
    public string? CheckoutSessionId { get; set; }
    public bool CheckoutCompleteSent { get; set; }

    public string PurchaseKind => SavedCard ? "saved card" : "checkout";
}
