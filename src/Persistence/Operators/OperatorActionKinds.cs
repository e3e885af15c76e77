namespace Credits.Persistence.Operators;

/// <summary>The actions an operator can take; each is logged under one of these names.</summary>
public static class OperatorActionKinds
{
    public const string GrantCredits = "grant-credits";
    public const string RevokeCredits = "revoke-credits";
    public const string RedriveDeadLetters = "redrive-dead-letters";
    public const string RetrySagaStep = "retry-saga-step";
    public const string ResolveAuditDifference = "resolve-audit-difference";
    public const string RunAudit = "run-audit";
    public const string CreatePromotion = "create-promotion";
    public const string ReplayWebhookDelivery = "replay-webhook-delivery";
}
