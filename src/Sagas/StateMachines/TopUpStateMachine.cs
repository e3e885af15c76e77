using Credits.Contracts.Billing;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One credit purchase: PurchaseCredits -> CreateCheckoutSession (URL) or ChargeSavedCard -> payment succeeded
/// -> GrantPurchasedCredits (once: only AwaitingPayment reacts to a payment) -> CreditsPurchased. Declined,
/// expired or abandoned -> PurchaseCancelled. A refund later -> ReverseUnspentCredits. Stripe events find the
/// purchase through the metadata <c>purchase_id</c> the consumers put on sessions and payment intents.
/// </summary>
public sealed class TopUpStateMachine : MassTransitStateMachine<TopUpState>
{
    public const string SagaName = "top-up";
    public const string PurchaseIdMetadata = "purchase_id";

    /// <summary>The ledger key of a purchase's grant: what a refund's reversal names.</summary>
    public static string GrantKey(Guid purchaseId) => SagaKeys.Idempotency(SagaName, purchaseId, "grant");

    public TopUpStateMachine(TopUpOptions options)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Purchase, e => e.CorrelateById(c => c.Message.PurchaseId));
        Event(() => SessionCreated, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SessionFaulted, e => { e.CorrelateById(c => c.Message.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardCharged, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardFaulted, e => { e.CorrelateById(c => c.Message.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Declined, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CheckoutCompleted, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CheckoutExpired, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PaymentSucceeded, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PaymentFailed, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => ChargeRefunded, e => { e.CorrelateBy((s, c) => s.PaymentIntentId == c.Message.PaymentIntentId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsGranted, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsReversed, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });

        Schedule(() => AbandonTimeout, x => x.AbandonTimeoutTokenId, s =>
        {
            s.Delay = options.AbandonAfter;
            s.Received = r => { r.CorrelateById(c => c.Message.PurchaseId); r.OnMissingInstance(m => m.Discard()); };
        });

        Initially(
            When(Purchase)
                .Then(c => Start(c.Saga, c.Message))
                .Schedule(AbandonTimeout, c => new PurchaseAbandoned { PurchaseId = c.Saga.CorrelationId })
                .IfElse(c => c.Saga.UseSavedCard,
                    card => card.Publish(c => new ChargeSavedCard
                    {
                        PurchaseId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                        Amount = c.Saga.Amount, Currency = c.Saga.Currency, IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "charge-saved-card"),
                    }),
                    checkout => checkout.Publish(c => new CreateCheckoutSession
                    {
                        PurchaseId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId, Credits = c.Saga.Credits,
                        Amount = c.Saga.Amount, Currency = c.Saga.Currency, IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "create-checkout-session"),
                    }))
                .TransitionTo(AwaitingPayment));

        During(AwaitingPayment,
            When(SessionCreated)
                .Then(c => { c.Saga.CheckoutSessionId = c.Message.SessionId; c.Saga.CheckoutUrl = c.Message.Url; }),
            When(CardCharged)
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId)
                .If(c => c.Message.Status == "succeeded", paid => paid.Then(c => c.Saga.UpdatedAt = DateTimeOffset.UtcNow).Unschedule(AbandonTimeout).Publish(c => Grant(c.Saga)).TransitionTo(Granting)),
            When(CheckoutCompleted, c => c.Message.PaymentStatus == "paid")
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId)
                .Then(c => c.Saga.UpdatedAt = DateTimeOffset.UtcNow).Unschedule(AbandonTimeout).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            When(PaymentSucceeded)
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId)
                .Then(c => c.Saga.UpdatedAt = DateTimeOffset.UtcNow).Unschedule(AbandonTimeout).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            When(Declined).Then(c => c.Saga.LastError = $"the payment was declined: {c.Message.Reason}").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(PaymentFailed).Then(c => c.Saga.LastError = $"the payment failed: {c.Message.FailureMessage}").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(CheckoutExpired).Then(c => c.Saga.LastError = "the checkout session expired unpaid").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(SessionFaulted).Then(c => c.Saga.LastError = "the checkout session could not be created").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(CardFaulted).Then(c => c.Saga.LastError = "the saved card could not be charged").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(AbandonTimeout.Received).Then(c => c.Saga.LastError = $"the purchase was not paid within {options.AbandonAfter}").Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled));

        During(Granting,
            When(CreditsGranted)
                .Publish(c => new CreditsPurchased { PurchaseId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, Credits = c.Saga.Credits })
                .TransitionTo(Completed));

        // A refund (full or partial, cumulative in Stripe's event) takes back what is unspent of the refunded share.
        During(Completed, Refunding, Refunded,
            When(ChargeRefunded, c => c.Message.AmountRefunded > c.Saga.AmountRefunded)
                // Each increase of the cumulative refund takes back its own share of the credits (of what is unspent).
                .Publish(c => new ReverseUnspentCredits
                {
                    PurchaseId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, Amount = c.Saga.Amount,
                    Credits = CreditProration.ForRefund(c.Saga.Credits, c.Saga.Amount, c.Saga.AmountRefunded, c.Message.AmountRefunded),
                    AmountRefunded = c.Message.AmountRefunded,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, $"reverse-{c.Message.AmountRefunded}"),
                })
                .Then(c => c.Saga.AmountRefunded = c.Message.AmountRefunded)
                .TransitionTo(Refunding));

        During(Refunding,
            When(CreditsReversed).TransitionTo(Refunded));

        // Duplicated Stripe events and replies, a second PurchaseCredits with the same key, late timeouts: the
        // state has moved on, so they do nothing.
        OnUnhandledEvent(c => c.Ignore());
    }

    private static Guid PurchaseOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(PurchaseIdMetadata, out var value) && Guid.TryParse(value, out var id) ? id : Guid.Empty;

    private static void Start(TopUpState saga, PurchaseCredits m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.Credits = m.Credits;
        saga.Amount = m.Amount;
        saga.Currency = m.Currency;
        saga.UseSavedCard = m.UseSavedCard;
        saga.CreatedAt = saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static GrantPurchasedCredits Grant(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, Credits = saga.Credits,
        IdempotencyKey = GrantKey(saga.CorrelationId),
    };

    private static PurchaseCancelled CancelledEvent(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, Reason = saga.LastError ?? "",
    };

    public State AwaitingPayment { get; private set; } = null!;
    public State Granting { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;
    public State Refunding { get; private set; } = null!;
    public State Refunded { get; private set; } = null!;

    public Event<PurchaseCredits> Purchase { get; private set; } = null!;
    public Event<CheckoutSessionCreated> SessionCreated { get; private set; } = null!;
    public Event<Fault<CreateCheckoutSession>> SessionFaulted { get; private set; } = null!;
    public Event<SavedCardCharged> CardCharged { get; private set; } = null!;
    public Event<Fault<ChargeSavedCard>> CardFaulted { get; private set; } = null!;
    public Event<PaymentDeclined> Declined { get; private set; } = null!;
    public Event<StripeCheckoutSessionCompleted> CheckoutCompleted { get; private set; } = null!;
    public Event<StripeCheckoutSessionExpired> CheckoutExpired { get; private set; } = null!;
    public Event<StripePaymentSucceeded> PaymentSucceeded { get; private set; } = null!;
    public Event<StripePaymentFailed> PaymentFailed { get; private set; } = null!;
    public Event<StripeChargeRefunded> ChargeRefunded { get; private set; } = null!;
    public Event<PurchasedCreditsGranted> CreditsGranted { get; private set; } = null!;
    public Event<UnspentCreditsReversed> CreditsReversed { get; private set; } = null!;

    public Schedule<TopUpState, PurchaseAbandoned> AbandonTimeout { get; private set; } = null!;
}
