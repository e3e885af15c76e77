namespace Credits.Gateway.Operations;

/// <summary>
/// An operation's status as the API reports it, from the saga's state (shown alongside as sagaState).
/// accepted: the Gateway took the request and published the command, and no saga has started on it yet.
/// </summary>
public static class OperationStatuses
{
    public const string Accepted = "accepted";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";
    /// <summary>The card holder disputed the payment: the disputed credits are frozen until the dispute closes.</summary>
    public const string Disputed = "disputed";
    /// <summary>The dispute was lost: the payment went back to the card holder and the disputed credits stay taken.</summary>
    public const string ChargedBack = "charged-back";

    /// <summary>PlanChangeStateMachine's states; "Rejected" is the record kept for a change the customer saga refused.</summary>
    public static string FromPlanChange(string sagaState) => sagaState switch
    {
        "Completed" => Completed,
        // GrantFailed: Stripe has the new plan, the credits could not be granted and an operator must grant them.
        "Failed" or "CompensationFailed" or "GrantFailed" => Failed,
        "Rejected" => Rejected,
        _ => Running, // UpgradingItems, AwaitingPayment, GrantingCredits, RestoringItems, WaitingForPeriodEnd, ReportingOverage, DowngradingItems
    };

    /// <summary>TopUpStateMachine's states. Refunding: Stripe has refunded; the unspent credits are being taken back.</summary>
    public static string FromTopUp(string sagaState) => sagaState switch
    {
        "Completed" => Completed,
        "Cancelled" => Cancelled,
        "Refunding" or "Refunded" => Refunded,
        "Disputed" => Disputed,
        "DisputeLost" => ChargedBack,
        _ => Running, // AwaitingPayment, Granting
    };

    /// <summary>A card setup whose page expired (or was not completed in time) without a card.</summary>
    public const string Expired = "expired";

    /// <summary>CardSetupStateMachine's states.</summary>
    public static string FromCardSetup(string sagaState) => sagaState switch
    {
        "Completed" => Completed,
        "Expired" => Expired,
        "Failed" => Failed,
        _ => Running, // AwaitingCard, SavingCard
    };

    public static bool IsFinished(string status) => status is Completed or Failed or Rejected or Cancelled or Refunded or ChargedBack or Expired;
}
