namespace Credits.Persistence.Webhooks;

/// <summary>
/// The catalog of events an endpoint may subscribe to, and the payload version they are sent in. A payload's shape only
/// changes under a new <see cref="ApiVersion"/>; fields may be added within one. Payload examples: docs/webhooks.md.
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>The version of every payload's shape, sent as "apiVersion" in each one.</summary>
    public const string ApiVersion = "2026-12-01";

    public const string CreditsLow = "credits.low";
    public const string CreditsExhausted = "credits.exhausted";
    public const string CreditsExpiring = "credits.expiring";
    public const string PlanChangeCompleted = "plan_change.completed";
    public const string PlanChangeFailed = "plan_change.failed";
    public const string PurchaseCompleted = "purchase.completed";
    public const string PurchaseRefunded = "purchase.refunded";
    public const string SubscriptionPastDue = "subscription.past_due";
    public const string SubscriptionCanceled = "subscription.canceled";
    public const string AuditDifference = "audit.difference";
    public const string SpendCapAlert = "spend_cap.alert";
    public const string SpendCapReached = "spend_cap.reached";

    public static readonly IReadOnlyList<string> All =
    [
        CreditsLow, CreditsExhausted, CreditsExpiring, PlanChangeCompleted, PlanChangeFailed,
        PurchaseCompleted, PurchaseRefunded, SubscriptionPastDue, SubscriptionCanceled, AuditDifference,
        SpendCapAlert, SpendCapReached,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
