using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>One card setup (correlation id = the setup id). Kept after it ends as the operation's record (GET /v1/operations/{id}).</summary>
public class CardSetupState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public string? CheckoutSessionId { get; set; }
    /// <summary>Where the customer gives the card (Stripe's hosted Checkout page, setup mode).</summary>
    public string? CheckoutUrl { get; set; }
    public string? SetupIntentId { get; set; }
    public string? PaymentMethodId { get; set; }
    public Guid? TimeoutTokenId { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
