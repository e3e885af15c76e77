using Credits.Contracts.Ledger;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// A customer's auto top-up: on CreditBalanceLow at or below the customer's threshold, or CreditsExhausted, start
/// one PurchaseCredits on the saved card, and ignore every further low-balance event until that purchase ends
/// (CreditsPurchased or PurchaseCancelled). However much usage keeps arriving, at most one purchase is in flight.
/// The policy's threshold is given to the ledger (SetCustomerLowBalanceThreshold), which reports its crossing
/// like the plan's thresholds. The ledger reports crossings caused by usage, never by a period's end, so the
/// period roll alone never buys anything.
/// </summary>
public sealed class AutoTopUpStateMachine : MassTransitStateMachine<AutoTopUpState>
{
    public AutoTopUpStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Configure, e => e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)));
        Event(() => BalanceLow, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Exhausted, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Purchased, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PurchaseCancelled, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });

        Initially(When(Configure).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)).TransitionTo(Idle));

        During(Idle,
            When(Configure).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)),
            Buy(When(BalanceLow, c => c.Saga.Enabled && c.Message.Available <= c.Saga.Threshold)),
            Buy(When(Exhausted, c => c.Saga.Enabled)));

        During(PurchaseInFlight,
            When(Configure).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)),
            When(Purchased, c => c.Message.PurchaseId == c.Saga.PurchaseId).Then(c => c.Saga.PurchaseId = null).TransitionTo(Idle),
            When(PurchaseCancelled, c => c.Message.PurchaseId == c.Saga.PurchaseId).Then(c => c.Saga.PurchaseId = null).TransitionTo(Idle));

        // Low-balance events while a purchase is in flight, and the ends of other purchases, change nothing.
        OnUnhandledEvent(c => c.Ignore());
    }

    private EventActivityBinder<AutoTopUpState, T> Buy<T>(EventActivityBinder<AutoTopUpState, T> binder) where T : class =>
        binder
            .Then(c =>
            {
                c.Saga.PurchaseId = NewId.NextGuid();
                c.Saga.PurchasesStarted++;
                c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
            })
            .Publish(c => new PurchaseCredits
            {
                PurchaseId = c.Saga.PurchaseId!.Value, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                Credits = c.Saga.Credits, Amount = c.Saga.Amount, Currency = c.Saga.Currency, UseSavedCard = true,
            })
            .TransitionTo(PurchaseInFlight);

    private static SetCustomerLowBalanceThreshold Threshold(AutoTopUpState saga) =>
        new() { CustomerId = saga.CustomerId, Threshold = saga.Enabled && saga.Threshold > 0 ? saga.Threshold : null };

    private static void Apply(AutoTopUpState saga, ConfigureAutoTopUp m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.Enabled = m.Enabled;
        saga.Threshold = m.Threshold;
        saga.Credits = m.Credits;
        saga.Amount = m.Amount;
        saga.Currency = m.Currency;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    public State Idle { get; private set; } = null!;
    public State PurchaseInFlight { get; private set; } = null!;

    public Event<ConfigureAutoTopUp> Configure { get; private set; } = null!;
    public Event<CreditBalanceLow> BalanceLow { get; private set; } = null!;
    public Event<CreditsExhausted> Exhausted { get; private set; } = null!;
    public Event<CreditsPurchased> Purchased { get; private set; } = null!;
    public Event<PurchaseCancelled> PurchaseCancelled { get; private set; } = null!;
}
