namespace Credits.Persistence.Operations;

/// <summary>The kinds of <see cref="OperationRequest"/>, as stored and as shown by the API.</summary>
public static class OperationKinds
{
    public const string PlanChange = "plan-change";
    public const string TopUp = "top-up";
    public const string CardSetup = "card-setup";
    /// <summary>A subscription cancellation: its request row gives the Idempotency-Key its uniqueness; GET /v1/customers/{id}/cancellation shows it.</summary>
    public const string Cancellation = "cancellation";
}
