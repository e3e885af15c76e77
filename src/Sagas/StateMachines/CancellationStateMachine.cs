using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One end of a customer's subscription; the customer saga starts it (<see cref="BeginCancellation"/>) and holds the
/// customer's one in-flight slot (shared with plan changes) until it ends. Three ways in, one way out:
/// <list type="bullet">
/// <item>At the period end: Stripe's cancel_at_period_end=true -> SubscriptionCancellationScheduled -> (a resume:
/// cancel_at_period_end=false -> SubscriptionResumed) or, shortly before the end, the end path.</item>
/// <item>Now (operators): the end path, with DELETE invoice_now+prorate as its Stripe step.</item>
/// <item>Ended by Stripe (the last retry of an unpaid renewal failed): the end path without a Stripe step.</item>
/// </list>
/// The end path, in the downgrade's order: move the ledger to the free plan's terms FIRST (no overage accrues on the
/// plan's terms from then on), report the final overage to the meter (Stripe's final invoice bills it), let Stripe end
/// the subscription, lapse the plan's remaining allowance (EndSubscriptionCredits), SubscriptionCanceled.
/// docs/lifecycle/cancel-and-dunning.md tells it message by message.
/// </summary>
public sealed class CancellationStateMachine : MassTransitStateMachine<CancellationState>
{
    public const string SagaName = "cancellation";

    public CancellationStateMachine(CustomerLifecycleOptions options)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Begin, e => e.CorrelateById(c => c.Message.OperationId));
        Event(() => Rejected, e => e.CorrelateById(c => c.Message.OperationId));
        Event(() => FlagSet, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => FlagFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Resume, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => LedgerMoved, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => LedgerMoveFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => OverageReported, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => OverageReportFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CanceledNow, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CancelNowFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsEnded, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsEndFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        // Stripe's events name the subscription; other subscriptions' events (and ours once we are done) change nothing.
        Event(() => SubscriptionUpdated, e => { e.CorrelateBy(s => s.SubscriptionId!, c => c.Message.SubscriptionId); e.OnMissingInstance(m => m.Discard()); });
        Schedule(() => PeriodEnd, x => x.PeriodEndTokenId, s =>
            s.Received = r => { r.CorrelateById(c => c.Message.OperationId); r.OnMissingInstance(m => m.Discard()); });

        Initially(
            When(Begin)
                .Then(c => Start(c.Saga, c.Message))
                .IfElse(c => c.Saga.Mode == CancellationModes.AtPeriodEnd,
                    atPeriodEnd => atPeriodEnd
                        .Then(c => Step(c.Saga, "cancel-at-period-end", "sent"))
                        .Publish(c => SetFlag(c.Saga, true, "cancel-at-period-end"))
                        .TransitionTo(Scheduling),
                    endNow => MoveToFreePlan(endNow)),
            // A cancellation the customer saga refused is kept as the operation's record.
            When(Rejected)
                .Then(c =>
                {
                    c.Saga.CustomerId = c.Message.CustomerId;
                    c.Saga.Mode = "rejected";
                    c.Saga.CreatedAt = DateTimeOffset.UtcNow;
                    Fail(c.Saga, "begin", c.Message.InFlightOperationId is { } other ? $"{c.Message.Reason} (operation {other})" : c.Message.Reason);
                })
                .TransitionTo(RejectedState));

        During(Scheduling,
            When(FlagSet)
                .Then(c => Step(c.Saga, "cancel-at-period-end", $"done, ends {c.Message.CancelAt ?? c.Saga.PeriodEnd:O}"))
                .Publish(c => new SubscriptionCancellationScheduled
                {
                    OperationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, SubscriptionId = c.Saga.SubscriptionId,
                    PlanId = c.Saga.PlanId, EndsAt = c.Message.CancelAt ?? c.Saga.PeriodEnd,
                })
                .Schedule(PeriodEnd, c => new CancellationPeriodEnded { OperationId = c.Saga.CorrelationId },
                    c => (c.Saga.PeriodEnd - options.CancellationLeadTime).UtcDateTime)
                .TransitionTo(Scheduled),
            When(FlagFaulted)
                .Then(c => Fail(c.Saga, "cancel-at-period-end", $"Stripe did not take the cancellation: {FirstMessage(c.Message)}"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed));

        // Until shortly before the period end the customer may change their mind. Then the end path runs: at the lead
        // time, or at once if Stripe ended the subscription first (a late timer, or a test clock running ahead).
        During(Scheduled,
            When(Resume)
                .Unschedule(PeriodEnd)
                .Then(c => Step(c.Saga, "resume", $"operation {c.Message.ResumeOperationId}: sent"))
                .Publish(c => SetFlag(c.Saga, false, "resume"))
                .TransitionTo(Resuming),
            MoveToFreePlan(When(PeriodEnd.Received)),
            MoveToFreePlan(When(SubscriptionUpdated, c => SubscriptionEnd.Is(c.Message))
                .Unschedule(PeriodEnd)
                .Then(c => EndedByStripe(c.Saga, c.Message))));

        During(Resuming,
            When(FlagSet)
                .Then(c => Step(c.Saga, "resume", "done: the subscription renews"))
                .Publish(c => new SubscriptionResumed { OperationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, SubscriptionId = c.Saga.SubscriptionId })
                .TransitionTo(Resumed),
            // Stripe still has cancel_at_period_end=true: the cancellation stands, and its end runs as planned.
            When(FlagFaulted)
                .Then(c => { c.Saga.LastError = $"the resume was not taken by Stripe: {FirstMessage(c.Message)}"; Step(c.Saga, "resume", "failed: " + c.Saga.LastError); })
                .Schedule(PeriodEnd, c => new CancellationPeriodEnded { OperationId = c.Saga.CorrelationId },
                    c => (c.Saga.PeriodEnd - options.CancellationLeadTime).UtcDateTime)
                .TransitionTo(Scheduled));

        During(MovingLedger,
            When(LedgerMoved)
                .Then(c => Step(c.Saga, "report-final-overage", "sent"))
                .Publish(c => ReportOverage(c.Saga))
                .TransitionTo(ReportingOverage),
            When(LedgerMoveFaulted)
                .IfElse(c => c.Saga.Mode == CancellationModes.Now,
                    // Nothing has happened at Stripe: the operator's cancel fails and can be asked again.
                    now => now
                        .Then(c => Fail(c.Saga, "move-ledger", $"the ledger could not be moved to the free plan, so nothing was cancelled: {FirstMessage(c.Message)}"))
                        .Publish(c => FailedEvent(c.Saga))
                        .TransitionTo(Failed),
                    // Stripe ends the subscription whatever the ledger does: carry on, and say so.
                    ending => ending
                        .Then(c => c.Saga.LastError = $"the ledger could not be moved to the free plan ({FirstMessage(c.Message)}); an operator must check the account")
                        .Then(c => Step(c.Saga, "report-final-overage", "sent after a failed ledger move"))
                        .Publish(c => ReportOverage(c.Saga))
                        .TransitionTo(ReportingOverage)));

        During(ReportingOverage,
            AfterOverageReport(When(OverageReported)
                .Then(c => Step(c.Saga, "report-final-overage", $"{c.Message.Quantity} reported"))),
            // The meter could not take it: the subscription ends all the same (the money audit's overage check shows the
            // unreported credits to an operator); the operation records it.
            AfterOverageReport(When(OverageReportFaulted)
                .Then(c => Fail(c.Saga, "report-final-overage", $"the final overage could not be reported: {FirstMessage(c.Message)}"))));

        During(MovingLedger, ReportingOverage,
            When(SubscriptionUpdated, c => SubscriptionEnd.Is(c.Message))
                .Then(c => EndedByStripe(c.Saga, c.Message)));

        During(AwaitingEnd,
            EndCredits(When(SubscriptionUpdated, c => SubscriptionEnd.Is(c.Message))
                .Then(c => EndedByStripe(c.Saga, c.Message))));

        During(CancellingAtStripe,
            EndCredits(When(CanceledNow)
                .Then(c =>
                {
                    c.Saga.StripeEnded = true;
                    Step(c.Saga, "cancel-now", c.Message.FinalInvoiceId is { } invoice ? $"done, final invoice {invoice}" : "done");
                })),
            // Stripe refused or could not be reached: the subscription goes on, so the ledger goes back to the plan.
            When(CancelNowFaulted)
                .Then(c => Fail(c.Saga, "cancel-now", $"Stripe did not cancel the subscription: {FirstMessage(c.Message)}"))
                .Then(c => Step(c.Saga, "move-ledger-back", $"to {c.Saga.PlanId}"))
                .Publish(c => MoveLedger(c.Saga, c.Saga.PlanId, "cancel-ledger-back"))
                .TransitionTo(RevertingLedger));

        During(RevertingLedger,
            When(LedgerMoved)
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed),
            When(LedgerMoveFaulted)
                .Then(c => Fail(c.Saga, "move-ledger-back", $"{c.Saga.LastError}; the ledger could not be moved back ({FirstMessage(c.Message)}), an operator must move it"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed));

        During(EndingCredits,
            When(CreditsEnded)
                .Then(c => { c.Saga.AllowanceLapsed = c.Message.Lapsed; Step(c.Saga, "end-credits", $"{c.Message.Lapsed} allowance credits lapsed"); })
                .Publish(c => CanceledEvent(c.Saga))
                .TransitionTo(Cancelled),
            // The subscription has ended at Stripe: the customer is cancelled whatever the ledger says; the allowance
            // still lapses at its period's end by the ledger's own rule.
            When(CreditsEndFaulted)
                .Then(c => Fail(c.Saga, "end-credits", $"the plan's allowance could not be ended now ({FirstMessage(c.Message)}); it lapses at its period end"))
                .Publish(c => CanceledEvent(c.Saga))
                .TransitionTo(Cancelled));

        WhenEnter(Cancelled, x => x.Unschedule(PeriodEnd));
        WhenEnter(Failed, x => x.Unschedule(PeriodEnd));

        // Replies delivered twice, Stripe's other subscription events, a timer after the end: the state has moved on.
        OnUnhandledEvent(c => c.Ignore());
    }

    /// <summary>The end path's first step: the ledger on the free plan's terms for the rest of the period, no allowance.</summary>
    private EventActivityBinder<CancellationState, T> MoveToFreePlan<T>(EventActivityBinder<CancellationState, T> binder) where T : class =>
        binder
            .Then(c => Step(c.Saga, "move-ledger", $"to {c.Saga.FreePlanId}, no allowance"))
            .Publish(c => MoveLedger(c.Saga, c.Saga.FreePlanId, "cancel-ledger"))
            .TransitionTo(MovingLedger);

    /// <summary>After the final overage: the operator's DELETE, or the end Stripe makes (or has made) at the period end.</summary>
    private EventActivityBinder<CancellationState, T> AfterOverageReport<T>(EventActivityBinder<CancellationState, T> binder) where T : class =>
        binder.IfElse(c => c.Saga.Mode == CancellationModes.Now && !c.Saga.StripeEnded,
            now => now
                .Then(c => Step(c.Saga, "cancel-now", "sent (invoice_now, prorate)"))
                .Publish(c => new CancelSubscriptionNow
                {
                    OperationId = c.Saga.CorrelationId, SubscriptionId = c.Saga.SubscriptionId,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "cancel-now"),
                })
                .TransitionTo(CancellingAtStripe),
            later => later.IfElse(c => c.Saga.StripeEnded,
                ended => EndCredits(ended),
                waiting => waiting
                    .Then(c => Step(c.Saga, "wait-for-end", $"Stripe ends the subscription at {c.Saga.PeriodEnd:O}"))
                    .TransitionTo(AwaitingEnd)));

    private EventActivityBinder<CancellationState, T> EndCredits<T>(EventActivityBinder<CancellationState, T> binder) where T : class =>
        binder
            .Then(c => Step(c.Saga, "end-credits", "sent"))
            .Publish(c => new EndSubscriptionCredits { OperationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, FreePlanId = c.Saga.FreePlanId })
            .TransitionTo(EndingCredits);

    private static void EndedByStripe(CancellationState saga, StripeSubscriptionUpdated m)
    {
        saga.StripeEnded = true;
        saga.Reason ??= m.CancellationReason;
        Step(saga, "stripe-ended", $"the subscription is {m.Status}{(m.CancellationReason is { } r ? $" ({r})" : "")}");
    }

    private static void Start(CancellationState saga, BeginCancellation m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.SubscriptionId = m.SubscriptionId;
        saga.PlanId = m.PlanId;
        saga.FreePlanId = m.FreePlanId;
        saga.PeriodStart = m.PeriodStart;
        saga.PeriodEnd = m.PeriodEnd;
        saga.Mode = m.Mode;
        saga.RequestedBy = m.RequestedBy;
        saga.Reason = m.Reason ?? (m.Mode == CancellationModes.EndedByStripe ? null : "cancellation_requested");
        saga.StripeEnded = m.Mode == CancellationModes.EndedByStripe;
        saga.CreatedAt = DateTimeOffset.UtcNow;
        Step(saga, "begin", $"{m.Mode} of {m.SubscriptionId} on {m.PlanId}{(m.RequestedBy.Length > 0 ? $", by {m.RequestedBy}" : "")}");
    }

    private static SetCancelAtPeriodEnd SetFlag(CancellationState saga, bool cancel, string step) => new()
    {
        OperationId = saga.CorrelationId, SubscriptionId = saga.SubscriptionId, CancelAtPeriodEnd = cancel,
        IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, step),
    };

    /// <summary>The same ledger step as a downgrade's: the account on <paramref name="planId"/> for the rest of the period, no allowance.</summary>
    private static GrantPlanChangeCredits MoveLedger(CancellationState saga, string planId, string step) => new()
    {
        OperationId = saga.CorrelationId, CustomerId = saga.CustomerId, PlanId = planId,
        PeriodStart = saga.PeriodStart, PeriodEnd = saga.PeriodEnd, Allowance = 0, Step = step, Requester = SagaName,
    };

    private static ReportFinalOverage ReportOverage(CancellationState saga) => new()
    {
        OperationId = saga.CorrelationId, CustomerId = saga.CustomerId, StripeCustomerId = saga.StripeCustomerId,
        PeriodStart = saga.PeriodStart, PeriodEnd = saga.PeriodEnd,
        IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, "report-final-overage"),
        Requester = SagaName,
    };

    private static SubscriptionCanceled CanceledEvent(CancellationState saga) => new()
    {
        OperationId = saga.CorrelationId, CustomerId = saga.CustomerId, SubscriptionId = saga.SubscriptionId, PlanId = saga.PlanId,
        Mode = saga.Mode, Reason = saga.Reason, AllowanceLapsed = saga.AllowanceLapsed, EndedAt = DateTimeOffset.UtcNow,
    };

    private static CancellationFailed FailedEvent(CancellationState saga) => new()
    {
        OperationId = saga.CorrelationId, CustomerId = saga.CustomerId, Reason = saga.LastError ?? "",
    };

    private static void Step(CancellationState saga, string step, string outcome)
    {
        saga.UpdatedAt = DateTimeOffset.UtcNow;
        saga.Steps += $"{saga.UpdatedAt:O} {step} {outcome}\n";
    }

    private static void Fail(CancellationState saga, string step, string reason)
    {
        saga.LastError = reason;
        Step(saga, step, "failed: " + reason);
    }

    private static string FirstMessage<T>(Fault<T> fault) => fault.Exceptions.FirstOrDefault()?.Message ?? "unknown error";

    public State Scheduling { get; private set; } = null!;
    public State Scheduled { get; private set; } = null!;
    public State Resuming { get; private set; } = null!;
    public State MovingLedger { get; private set; } = null!;
    public State ReportingOverage { get; private set; } = null!;
    public State AwaitingEnd { get; private set; } = null!;
    public State CancellingAtStripe { get; private set; } = null!;
    public State RevertingLedger { get; private set; } = null!;
    public State EndingCredits { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;
    public State Resumed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State RejectedState { get; private set; } = null!;

    public Event<BeginCancellation> Begin { get; private set; } = null!;
    public Event<CancellationRejected> Rejected { get; private set; } = null!;
    public Event<CancelAtPeriodEndSet> FlagSet { get; private set; } = null!;
    public Event<Fault<SetCancelAtPeriodEnd>> FlagFaulted { get; private set; } = null!;
    public Event<ResumeCancellation> Resume { get; private set; } = null!;
    public Event<PlanChangeCreditsGranted> LedgerMoved { get; private set; } = null!;
    public Event<Fault<GrantPlanChangeCredits>> LedgerMoveFaulted { get; private set; } = null!;
    public Event<FinalOverageReported> OverageReported { get; private set; } = null!;
    public Event<Fault<ReportFinalOverage>> OverageReportFaulted { get; private set; } = null!;
    public Event<SubscriptionCanceledNow> CanceledNow { get; private set; } = null!;
    public Event<Fault<CancelSubscriptionNow>> CancelNowFaulted { get; private set; } = null!;
    public Event<SubscriptionCreditsEnded> CreditsEnded { get; private set; } = null!;
    public Event<Fault<EndSubscriptionCredits>> CreditsEndFaulted { get; private set; } = null!;
    public Event<StripeSubscriptionUpdated> SubscriptionUpdated { get; private set; } = null!;

    public Schedule<CancellationState, CancellationPeriodEnded> PeriodEnd { get; private set; } = null!;
}
