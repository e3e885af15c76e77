using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// A customer adds or replaces the card: SetUpCard -> CreateCardSetupSession (Checkout in setup mode; its URL is the
/// answer to the client) -> the customer saves a card on Stripe's page (checkout.session.completed) -> SaveDefaultCard
/// (the customer's and the subscription's default payment method) -> CardSaved -> Completed. The page expiring
/// (checkout.session.expired) or the card not coming within <see cref="CardSetupOptions.AbandonAfter"/> ends it Expired.
/// </summary>
public sealed class CardSetupStateMachine : MassTransitStateMachine<CardSetupState>
{
    public const string SagaName = "card-setup";

    public CardSetupStateMachine(CardSetupOptions options)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Begin, e => e.CorrelateById(c => c.Message.SetupId));
        Event(() => SessionCreated, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SessionFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        // Sessions of other operations (an upgrade's card, a purchase) name no card setup: discarded.
        Event(() => CheckoutCompleted, e => { e.CorrelateById(c => CardSetupMetadata.OperationOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CheckoutExpired, e => { e.CorrelateById(c => CardSetupMetadata.OperationOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardSaved, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SaveFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Schedule(() => Timeout, x => x.TimeoutTokenId, s =>
        {
            s.Delay = options.AbandonAfter;
            s.Received = r => { r.CorrelateById(c => c.Message.SetupId); r.OnMissingInstance(m => m.Discard()); };
        });

        Initially(
            When(Begin)
                .Then(c => Start(c.Saga, c.Message))
                .Schedule(Timeout, c => new CardSetupTimedOut { SetupId = c.Saga.CorrelationId })
                .Publish(c => new CreateCardSetupSession
                {
                    OperationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "create-session"),
                    ExpiresAt = c.Saga.CreatedAt + options.CheckoutLifetime,
                })
                .TransitionTo(AwaitingCard));

        During(AwaitingCard,
            When(SessionCreated)
                .Then(c => { c.Saga.CheckoutSessionId = c.Message.SessionId; c.Saga.CheckoutUrl = c.Message.Url; Touch(c.Saga); }),
            When(SessionFaulted)
                .Then(c => End(c.Saga, "the card page could not be created"))
                .Unschedule(Timeout)
                .TransitionTo(Failed),
            When(CheckoutCompleted, c => c.Message.Mode == "setup" && c.Message.SetupIntentId is not null)
                .Then(c => { c.Saga.SetupIntentId = c.Message.SetupIntentId; Touch(c.Saga); })
                .Unschedule(Timeout)
                .Publish(c => SaveDefault(c.Saga))
                .TransitionTo(SavingCard),
            When(CheckoutExpired)
                .Then(c => End(c.Saga, "the card page expired before a card was saved"))
                .Unschedule(Timeout)
                .TransitionTo(Expired),
            When(Timeout.Received)
                .Then(c => End(c.Saga, $"no card was saved within {options.AbandonAfter}"))
                // The page must not stay usable once Credits stopped waiting for it.
                .If(c => c.Saga.CheckoutSessionId is not null, expire => expire.Publish(c => new ExpireCheckoutSession
                {
                    PurchaseId = c.Saga.CorrelationId, SessionId = c.Saga.CheckoutSessionId!,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "expire-session"),
                }))
                .TransitionTo(Expired));

        // A card saved on the page after Credits stopped waiting is still the customer's newest card: made the default.
        During(Expired,
            When(CheckoutCompleted, c => c.Message.Mode == "setup" && c.Message.SetupIntentId is not null)
                .Then(c => { c.Saga.SetupIntentId = c.Message.SetupIntentId; c.Saga.LastError = null; Touch(c.Saga); })
                .Publish(c => SaveDefault(c.Saga))
                .TransitionTo(SavingCard));

        During(SavingCard,
            When(CardSaved)
                .Then(c => { c.Saga.PaymentMethodId = c.Message.PaymentMethodId; Touch(c.Saga); })
                .TransitionTo(Completed),
            When(SaveFaulted)
                .Then(c => End(c.Saga, "the card was saved on Stripe's page but could not be made the default"))
                .TransitionTo(Failed));

        // A repeated SetUpCard, a checkout.session.completed delivered twice, a timeout after the card came: the state
        // has moved on, so they change nothing.
        OnUnhandledEvent(c => c.Ignore());
    }

    private static void Start(CardSetupState saga, SetUpCard m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.CreatedAt = saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static SaveDefaultCard SaveDefault(CardSetupState saga) => new()
    {
        OperationId = saga.CorrelationId, Source = SagaName, CustomerId = saga.CustomerId, StripeCustomerId = saga.StripeCustomerId,
        SetupIntentId = saga.SetupIntentId, IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, "save-default-card"),
    };

    private static void Touch(CardSetupState saga) => saga.UpdatedAt = DateTimeOffset.UtcNow;

    private static void End(CardSetupState saga, string reason)
    {
        saga.LastError = reason;
        Touch(saga);
    }

    public State AwaitingCard { get; private set; } = null!;
    public State SavingCard { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Expired { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<SetUpCard> Begin { get; private set; } = null!;
    public Event<CardSetupSessionCreated> SessionCreated { get; private set; } = null!;
    public Event<Fault<CreateCardSetupSession>> SessionFaulted { get; private set; } = null!;
    public Event<StripeCheckoutSessionCompleted> CheckoutCompleted { get; private set; } = null!;
    public Event<StripeCheckoutSessionExpired> CheckoutExpired { get; private set; } = null!;
    public Event<CardSaved> CardSaved { get; private set; } = null!;
    public Event<Fault<SaveDefaultCard>> SaveFaulted { get; private set; } = null!;

    public Schedule<CardSetupState, CardSetupTimedOut> Timeout { get; private set; } = null!;
}
