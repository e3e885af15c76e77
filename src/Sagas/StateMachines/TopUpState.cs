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
    /// <summary>Stripe's cumulative refund whose credits have been taken back (or are being).</summary>
    public long AmountRefunded { get; set; }
    /// <summary>Stripe's cumulative refund as last reported, held while the credits are still being granted.</summary>
    public long RefundReported { get; set; }
    /// <summary>The purchase's dispute (Stripe allows one per charge), its status (<c>open</c>, <c>won</c>, <c>lost</c>) and amount.</summary>
    public string? DisputeId { get; set; }
    public string? DisputeStatus { get; set; }
    public long DisputedAmount { get; set; }
    /// <summary>Credits the dispute took back (null until the ledger answered); the rest of its share was already spent.</summary>
    public long? CreditsFrozen { get; set; }
    public Guid? AbandonTimeoutTokenId { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
