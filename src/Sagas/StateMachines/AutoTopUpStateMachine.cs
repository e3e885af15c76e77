using Credits.Contracts.Customers;
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
/// Two safety rules (docs/lifecycle/auto-top-up.md):
/// - a monthly cap: what auto top-up starts in one calendar month (UTC) never exceeds the policy's cap; a purchase
///   that would is not started, and AutoTopUpCapReached is published once for that month;
/// - after <see cref="AutoTopUpOptions.MaxConsecutiveFailures"/> of its purchases in a row end unpaid, the policy is
///   turned off (Suspended, AutoTopUpSuspended with the last reason) until the customer enables it again.
/// </summary>
public sealed class AutoTopUpStateMachine : MassTransitStateMachine<AutoTopUpState>
{
    private readonly AutoTopUpOptions _options;
    private readonly TimeProvider _clock;

    public AutoTopUpStateMachine(AutoTopUpOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        InstanceState(x => x.CurrentState);

        Event(() => Configure, e => e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)));
        Event(() => BalanceLow, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Exhausted, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Purchased, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PurchaseCancelled, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardSaved, e => { e.CorrelateById(c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });

        Initially(When(Configure).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)).TransitionTo(Idle));

        During(Idle,
            When(Configure).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)),
            Buy(When(BalanceLow, c => c.Saga.Enabled && c.Message.Available <= c.Saga.Threshold)),
            Buy(When(Exhausted, c => c.Saga.Enabled)));

        During(PurchaseInFlight,
            When(Configure).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)),
            // A paid purchase proves the card works: the failure count starts again.
            When(Purchased, c => c.Message.PurchaseId == c.Saga.PurchaseId)
                .Then(c => { c.Saga.PurchaseId = null; c.Saga.ConsecutiveFailures = 0; c.Saga.UpdatedAt = _clock.GetUtcNow(); })
                .TransitionTo(Idle),
            // Every end without payment counts (declined, authentication required, no card, no answer within the
            // abandon time); the last one of a run turns the policy off rather than charging a failing card forever.
            When(PurchaseCancelled, c => c.Message.PurchaseId == c.Saga.PurchaseId)
                .Then(c => Failed(c.Saga, c.Message.Reason))
                .IfElse(c => c.Saga.ConsecutiveFailures >= _options.MaxConsecutiveFailures,
                    suspend => suspend
                        .Then(c => Suspend(c.Saga))
                        .Publish(c => SuspendedEvent(c.Saga, c.Message.PurchaseId))
                        .Publish(c => Threshold(c.Saga))
                        .TransitionTo(Suspended),
                    retry => retry.TransitionTo(Idle)));

        // Stopped until the customer says otherwise: a new card alone does not restart charges they did not ask again for.
        During(Suspended,
            When(Configure, c => c.Message.Enabled).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)).TransitionTo(Idle),
            When(Configure, c => !c.Message.Enabled).Then(c => Apply(c.Saga, c.Message)).Publish(c => Threshold(c.Saga)));

        // A new default card makes the earlier declines history: the count starts again (a suspended policy stays off).
        During(Idle, PurchaseInFlight, Suspended,
            When(CardSaved).Then(c => { c.Saga.ConsecutiveFailures = 0; c.Saga.UpdatedAt = _clock.GetUtcNow(); }));

        // Low-balance events while a purchase is in flight or while suspended, and the ends of other purchases, change nothing.
        OnUnhandledEvent(c => c.Ignore());
    }

    /// <summary>Starts the purchase if it fits in this month's cap; otherwise says so, once a month.</summary>
    private EventActivityBinder<AutoTopUpState, T> Buy<T>(EventActivityBinder<AutoTopUpState, T> binder) where T : class =>
        binder
            .Then(c => RollMonth(c.Saga))
            .IfElse(c => c.Saga.StartedThisMonth + c.Saga.Amount <= CapOf(c.Saga),
                buy => buy
                    .Then(c =>
                    {
                        c.Saga.PurchaseId = NewId.NextGuid();
                        c.Saga.PurchasesStarted++;
                        // Counted when started, paid or not: the cap bounds what auto top-up can ever charge in the month.
                        c.Saga.StartedThisMonth += c.Saga.Amount;
                        c.Saga.UpdatedAt = _clock.GetUtcNow();
                    })
                    .Publish(c => new PurchaseCredits
                    {
                        PurchaseId = c.Saga.PurchaseId!.Value, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                        Credits = c.Saga.Credits, Amount = c.Saga.Amount, Currency = c.Saga.Currency, UseSavedCard = true,
                    })
                    .TransitionTo(PurchaseInFlight),
                capped => capped.If(c => c.Saga.CapReachedMonth != c.Saga.CapMonth,
                    first => first
                        .Then(c => { c.Saga.CapReachedMonth = c.Saga.CapMonth; c.Saga.UpdatedAt = _clock.GetUtcNow(); })
                        .Publish(c => new AutoTopUpCapReached
                        {
                            CustomerId = c.Saga.CustomerId, Month = c.Saga.CapMonth!.Value, MonthlyCap = CapOf(c.Saga),
                            StartedThisMonth = c.Saga.StartedThisMonth, Amount = c.Saga.Amount, Currency = c.Saga.Currency,
                            OccurredAt = _clock.GetUtcNow(),
                        })));

    /// <summary>A new calendar month (UTC) starts the count again.</summary>
    private void RollMonth(AutoTopUpState saga)
    {
        var month = AutoTopUpOptions.MonthOf(_clock.GetUtcNow());
        if (saga.CapMonth == month) return;
        saga.CapMonth = month;
        saga.StartedThisMonth = 0;
    }

    /// <summary>A policy stored before caps existed has none: it gets the default.</summary>
    private long CapOf(AutoTopUpState saga) => _options.CapOf(saga.MonthlyCap);

    private void Failed(AutoTopUpState saga, string reason)
    {
        saga.PurchaseId = null;
        saga.ConsecutiveFailures++;
        saga.LastFailure = reason;
        saga.UpdatedAt = _clock.GetUtcNow();
    }

    private void Suspend(AutoTopUpState saga)
    {
        saga.Enabled = false;
        saga.SuspendedAt = _clock.GetUtcNow();
    }

    private static AutoTopUpSuspended SuspendedEvent(AutoTopUpState saga, Guid purchaseId) => new()
    {
        CustomerId = saga.CustomerId, ConsecutiveFailures = saga.ConsecutiveFailures, LastPurchaseId = purchaseId,
        Reason = saga.LastFailure ?? "", SuspendedAt = saga.SuspendedAt!.Value,
    };

    private static SetCustomerLowBalanceThreshold Threshold(AutoTopUpState saga) =>
        new() { CustomerId = saga.CustomerId, Threshold = saga.Enabled && saga.Threshold > 0 ? saga.Threshold : null };

    private void Apply(AutoTopUpState saga, ConfigureAutoTopUp m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.Enabled = m.Enabled;
        saga.Threshold = m.Threshold;
        saga.Credits = m.Credits;
        saga.Amount = m.Amount;
        saga.Currency = m.Currency;
        saga.MonthlyCap = _options.CapOf(m.MonthlyCap);
        // Enabling (again) is the customer's go-ahead: the failure count and a suspension are cleared.
        if (m.Enabled)
        {
            saga.ConsecutiveFailures = 0;
            saga.SuspendedAt = null;
        }
        saga.UpdatedAt = _clock.GetUtcNow();
    }

    public State Idle { get; private set; } = null!;
    public State PurchaseInFlight { get; private set; } = null!;
    /// <summary>Turned off after repeated failures; Configure with Enabled starts it again.</summary>
    public State Suspended { get; private set; } = null!;

    public Event<ConfigureAutoTopUp> Configure { get; private set; } = null!;
    public Event<CreditBalanceLow> BalanceLow { get; private set; } = null!;
    public Event<CreditsExhausted> Exhausted { get; private set; } = null!;
    public Event<CreditsPurchased> Purchased { get; private set; } = null!;
    public Event<PurchaseCancelled> PurchaseCancelled { get; private set; } = null!;
    public Event<CardSaved> CardSaved { get; private set; } = null!;
}
