using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>One credit purchase (correlation id = the purchase id, derived from the client's Idempotency-Key).</summary>
public class TopUpState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public long Credits { get; set; }
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public bool UseSavedCard { get; set; }
    public string? CheckoutSessionId { get; set; }
    public string? CheckoutUrl { get; set; }
    public string? PaymentIntentId { get; set; }
    public long AmountRefunded { get; set; }
    public Guid? AbandonTimeoutTokenId { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
