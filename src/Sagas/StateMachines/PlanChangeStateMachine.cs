using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.TopUps;
using Credits.Contracts.Operators;
using Credits.Contracts.PlanChanges;
using Credits.Sagas.Invariant;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One plan change across the subscription's two items. Upgrade: a card on file? (none: collect one through Checkout in
/// setup mode, make it the default, or fail with nothing changed) -> one Stripe update (always_invoice) -> wait
/// for the proration invoice to be paid -> grant the new plan's prorated credits -> PlanChanged; a failed or
/// unconfirmed payment restores the previous items -> PlanChangeFailed. Downgrade: wait for the period end -> read
/// Stripe's period (already renewed: wait for the end of the renewed period instead) -> move the ledger to the new
/// plan (no overage accrues on the old terms from then on) -> report the last overage -> one Stripe update
/// (create_prorations) -> PlanChanged. Every Stripe call is a command to a consumer; every
/// items[] update comes from <see cref="SubscriptionItemsInvariant.ChangesTo"/>.
/// A Stripe write that ends in doubt (faulted after its retries: Stripe may have applied it) is never taken for a
/// refusal: the saga reads Stripe's state (<see cref="ReadSubscriptionState"/>) and decides on it. A deadline
/// (<see cref="PlanChangeOptions.Deadline"/>) does the same for a change that is stuck, so every change ends and
/// frees the customer's plan-change slot (held by the customer lifecycle saga until PlanChanged or PlanChangeFailed).
/// </summary>
public sealed class PlanChangeStateMachine : MassTransitStateMachine<PlanChangeState>
{
    public const string SagaName = "plan-change";

    public PlanChangeStateMachine(PlanChangeOptions options)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Begin, e => e.CorrelateById(c => c.Message.OperationId));
        Event(() => ItemsUpdated, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => ItemsUpdateFailed, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => ItemsUpdateFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => ItemsRestored, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => RestoreFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => OverageReported, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => OverageReportFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => ChangeRejected, e => e.CorrelateById(c => c.Message.OperationId));
        Event(() => CreditsGranted, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => GrantFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => StateRead, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => ReadFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Retry, e => { e.CorrelateById(c => c.Message.SagaId); e.OnMissingInstance(m => m.Discard()); });
        // Invoices that are not a pending change's proration invoice (renewals, other customers) are not ours. By the
        // property, not an expression, as the top-up saga's refunds: no delegate built per message.
        Event(() => InvoicePaid, e => { e.CorrelateBy(s => s.ProrationInvoiceId!, c => c.Message.InvoiceId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => InvoicePaymentFailed, e => { e.CorrelateBy(s => s.ProrationInvoiceId!, c => c.Message.InvoiceId); e.OnMissingInstance(m => m.Discard()); });

        // An upgrade without a card collects one first (docs/lifecycle/cards.md). The setup-mode Checkout session names
        // the change in its metadata (card_setup_id); sessions of anything else name no plan change and are discarded.
        Event(() => CardChecked, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardCheckFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardPageCreated, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardPageFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardPageCompleted, e => { e.CorrelateById(c => CardSetupMetadata.OperationOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardPageExpired, e => { e.CorrelateById(c => CardSetupMetadata.OperationOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardSaved, e => { e.CorrelateById(c => c.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardSaveFaulted, e => { e.CorrelateById(c => c.Message.Message.OperationId); e.OnMissingInstance(m => m.Discard()); });
        Schedule(() => CardTimeout, x => x.CardTimeoutTokenId, s =>
        {
            s.Delay = options.CardCollectionTimeout;
            s.Received = r => { r.CorrelateById(c => c.Message.OperationId); r.OnMissingInstance(m => m.Discard()); };
        });

        Schedule(() => PaymentTimeout, x => x.PaymentTimeoutTokenId, s =>
        {
            s.Delay = options.PaymentConfirmationTimeout;
            s.Received = r => { r.CorrelateById(c => c.Message.OperationId); r.OnMissingInstance(m => m.Discard()); };
        });
        Schedule(() => PeriodEnd, x => x.PeriodEndTokenId, s =>
            s.Received = r => { r.CorrelateById(c => c.Message.OperationId); r.OnMissingInstance(m => m.Discard()); });
        Schedule(() => Deadline, x => x.DeadlineTokenId, s =>
        {
            s.Delay = options.Deadline;
            s.Received = r => { r.CorrelateById(c => c.Message.OperationId); r.OnMissingInstance(m => m.Discard()); };
        });

        Initially(
            When(Begin)
                .Then(c => Start(c.Saga, c.Message))
                .IfElse(c => c.Saga.Kind == Upgrade,
                    // The proration invoice is charged at once (always_invoice): without a card it could only fail.
                    upgrade => upgrade
                        .Then(c => Step(c.Saga, "check-card", "sent"))
                        .Publish(c => new CheckCardOnFile { OperationId = c.Saga.CorrelationId, StripeCustomerId = c.Saga.StripeCustomerId, SubscriptionId = c.Saga.SubscriptionId })
                        .TransitionTo(CheckingCard),
                    downgrade => WaitForPeriodEnd(downgrade, options)),
            // A change the customer saga refused (another change in flight, unknown plan...) is kept as a record,
            // so GET /v1/operations/{id} can say why.
            When(ChangeRejected)
                .Then(c => RejectedRecord(c.Saga, c.Message))
                .TransitionTo(Rejected));

        During(CheckingCard,
            When(CardChecked, c => c.Message.PaymentMethodId is not null)
                .Then(c => Step(c.Saga, "check-card", $"card {c.Message.PaymentMethodId} on file"))
                .Then(c => Step(c.Saga, "update-items", "sent (always_invoice)"))
                .Schedule(Deadline, c => new PlanChangeDeadlinePassed { OperationId = c.Saga.CorrelationId })
                .Publish(c => UpdateItems(c.Saga, "upgrade-items", "always_invoice"))
                .TransitionTo(UpgradingItems),
            // No card: the customer gives one on Stripe's Checkout page (setup mode), whose URL the operation shows.
            When(CardChecked, c => c.Message.PaymentMethodId is null)
                .Then(c => Step(c.Saga, "collect-card", "no card on file: Checkout (setup mode) sent"))
                .Schedule(CardTimeout, c => new CardCollectionTimedOut { OperationId = c.Saga.CorrelationId })
                .Publish(c => new CreateCardSetupSession
                {
                    OperationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "create-card-session"),
                    ExpiresAt = DateTimeOffset.UtcNow + options.CardCollectionTimeout,
                })
                .TransitionTo(AwaitingCard),
            When(CardCheckFaulted)
                .Then(c => Fail(c.Saga, "check-card", $"the card on file could not be read ({FirstMessage(c.Message)}), so the plan was not changed"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed));

        // Nothing was changed at Stripe yet: every way out but a saved card fails the change with nothing to restore.
        During(AwaitingCard,
            When(CardPageCreated)
                .Then(c => { c.Saga.CardCheckoutSessionId = c.Message.SessionId; c.Saga.CardCheckoutUrl = c.Message.Url; })
                .Then(c => Step(c.Saga, "collect-card", $"waiting for the card on {c.Message.SessionId}")),
            When(CardPageFaulted)
                .Unschedule(CardTimeout)
                .Then(c => Fail(c.Saga, "collect-card", $"the card page could not be created ({FirstMessage(c.Message)}), so the plan was not changed"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed),
            When(CardPageCompleted, c => c.Message.Mode == "setup" && c.Message.SetupIntentId is not null)
                .Unschedule(CardTimeout)
                .Then(c => Step(c.Saga, "save-card", $"card given on {c.Message.SessionId}; making it the default"))
                .Publish(c => new SaveDefaultCard
                {
                    OperationId = c.Saga.CorrelationId, Source = SagaName, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                    SetupIntentId = c.Message.SetupIntentId, IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "save-default-card"),
                })
                .TransitionTo(SavingCard),
            When(CardPageExpired)
                .Unschedule(CardTimeout)
                .Then(c => Fail(c.Saga, "collect-card", NoCardReason))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed),
            When(CardTimeout.Received)
                .Then(c => Fail(c.Saga, "collect-card", NoCardReason))
                // The page must not stay usable once the change stopped waiting for it.
                .If(c => c.Saga.CardCheckoutSessionId is not null, expire => expire.Publish(c => new ExpireCheckoutSession
                {
                    PurchaseId = c.Saga.CorrelationId, SessionId = c.Saga.CardCheckoutSessionId!,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "expire-card-session"),
                }))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed));

        // The card is the default now: the upgrade goes on as one with a card (always_invoice charges it).
        During(SavingCard,
            When(CardSaved)
                .Then(c => Step(c.Saga, "save-card", $"card {c.Message.PaymentMethodId} is the default"))
                .Then(c => Step(c.Saga, "update-items", "sent (always_invoice)"))
                .Schedule(Deadline, c => new PlanChangeDeadlinePassed { OperationId = c.Saga.CorrelationId })
                .Publish(c => UpdateItems(c.Saga, "upgrade-items", "always_invoice"))
                .TransitionTo(UpgradingItems),
            When(CardSaveFaulted)
                .Then(c => Fail(c.Saga, "save-card", $"the card could not be made the default ({FirstMessage(c.Message)}), so the plan was not changed"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed));

        During(UpgradingItems,
            When(ItemsUpdated)
                .Then(c => Updated(c.Saga, c.Message))
                .IfElse(c => c.Message.InvoiceStatus == "paid",
                    paid => paid
                        .Then(c => Step(c.Saga, "payment", "paid with the update"))
                        .Publish(c => GrantCredits(c.Saga, DateTimeOffset.UtcNow))
                        .TransitionTo(GrantingCredits),
                    unpaid => unpaid.IfElse(c => c.Message.InvoiceStatus == PaymentFailedStatus,
                        // Stripe already tried the card and failed: restore now rather than wait for the timeout.
                        declined => declined
                            .Then(c => Fail(c.Saga, "payment", PaymentDeclinedReason))
                            .Publish(c => Restore(c.Saga))
                            .TransitionTo(RestoringItems),
                        open => open
                            .Schedule(PaymentTimeout, c => new PaymentConfirmationTimedOut { OperationId = c.Saga.CorrelationId })
                            .TransitionTo(AwaitingPayment))),
            When(ItemsUpdateFailed)
                .Then(c => Fail(c.Saga, "update-items", $"Stripe refused the change: {c.Message.Reason}"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed),
            // Retries exhausted on a 5xx or a timeout: Stripe may have applied the update (and charged the card), so
            // its state decides, not the error.
            When(ItemsUpdateFaulted)
                .Then(c => Step(c.Saga, "update-items", $"in doubt after retries ({FirstMessage(c.Message)}); reading Stripe's state"))
                .Publish(c => ReadState(c.Saga))
                .TransitionTo(VerifyingChange));

        During(AwaitingPayment,
            When(InvoicePaid)
                .Unschedule(PaymentTimeout)
                .Then(c => Step(c.Saga, "payment", $"invoice {c.Message.InvoiceId} paid"))
                .Publish(c => GrantCredits(c.Saga, c.Message.EventCreated))
                .TransitionTo(GrantingCredits),
            When(InvoicePaymentFailed)
                .Unschedule(PaymentTimeout)
                .Then(c => Fail(c.Saga, "payment", PaymentDeclinedReason))
                .Publish(c => Restore(c.Saga))
                .TransitionTo(RestoringItems),
            When(PaymentTimeout.Received)
                .Then(c => Fail(c.Saga, "payment",
                    $"the upgrade's payment was not confirmed within {options.PaymentConfirmationTimeout}, so the previous plan was restored"))
                .Publish(c => Restore(c.Saga))
                .TransitionTo(RestoringItems));

        During(GrantingCredits,
            When(CreditsGranted)
                .Then(c => { c.Saga.CreditsGranted = c.Message.Allowance; Step(c.Saga, "grant-credits", $"{c.Message.Allowance} credits"); })
                .Publish(c => Changed(c.Saga))
                .TransitionTo(Completed),
            // The ledger refused the grant through every retry and scheduled redelivery. Stripe holds the paid new
            // plan; the credits are owed. An end an operator sees (console, GET /v1/operations/{id}), not a hang.
            When(GrantFaulted)
                .Then(c => c.Saga.FailedGrantAllowance = c.Message.Message.Allowance)
                .Then(c => Fail(c.Saga, "grant-credits",
                    $"the upgrade was paid but its {c.Message.Message.Allowance} credits could not be granted ({FirstMessage(c.Message)}); an operator must grant them"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(GrantFailed));

        // An operator retries the grant once its cause is fixed (SagaRetry): the same command as the one that failed, same
        // allowance, same ledger key (plan-change:<op>:credits), so the ledger applies it once even if it was applied after all.
        // Success completes the change (PlanChanged: the customer saga takes the new plan); another fault ends it here again.
        During(GrantFailed,
            When(Retry, c => c.Saga.FailedGrantAllowance is not null)
                .Then(c => { c.Saga.LastError = null; Step(c.Saga, "retry", $"by {c.Message.RequestedBy}: {c.Message.Reason}; grant sent again"); })
                .Publish(c => GrantCredits(c.Saga, c.Saga.FailedGrantAllowance!.Value))
                .TransitionTo(GrantingCredits));

        During(RestoringItems,
            When(ItemsRestored)
                .Then(c => { c.Saga.CurrentItems = SagaJson.Write(c.Message.Items); Step(c.Saga, "restore-items", "done"); })
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed),
            // Retries exhausted: the void or the restore may have been applied (or the invoice was paid meanwhile).
            When(RestoreFaulted)
                .Then(c => Step(c.Saga, "restore-items", $"in doubt after retries ({FirstMessage(c.Message)}); reading Stripe's state"))
                .Publish(c => ReadState(c.Saga))
                .TransitionTo(VerifyingRestore));

        // Due before the period ends, the downgrade first asks Stripe which period the subscription is in. A schedule that
        // fired late (the scheduler down across the period end) finds the old plan already renewed and charged, and its
        // allowance opened: changed now (create_prorations), Stripe would credit the unpaid rest of the period while the
        // customer kept the old plan's allowance, and the ledger, already in the next period, would not move. The
        // customer keeps the plan that period was paid for, and the downgrade waits for its end instead.
        During(WaitingForPeriodEnd,
            When(PeriodEnd.Received)
                .Then(c => Step(c.Saga, "check-period", "reading Stripe's subscription"))
                .Publish(c => ReadState(c.Saga))
                .TransitionTo(CheckingPeriod));

        During(CheckingPeriod,
            // One When with IfElse, not two filtered Whens: the first branch moves the saga's period forward, and a second
            // filter, evaluated after it on the same message, would then find the period not rolled and move the ledger.
            When(StateRead)
                .IfElse(c => RolledPast(c.Saga, c.Message),
                    rolled => WaitForPeriodEnd(rolled
                        .Then(c => Step(c.Saga, "check-period",
                            $"Stripe renewed {c.Saga.FromPlanId} for the period from {c.Message.PeriodStart:O} before the downgrade's time came: it waits for that period's end"))
                        .Then(c => FollowPeriod(c.Saga, c.Message.PeriodStart, c.Message.PeriodEnd)), options),
                    due => MoveLedgerFirst(due)),
            // Stripe unreadable after the step's retries: the downgrade goes on as scheduled. Its item update would meet
            // the same outage and then put the ledger back, as any refused update does.
            MoveLedgerFirst(When(ReadFaulted)
                .Then(c => Step(c.Saga, "check-period", $"Stripe's subscription could not be read ({FirstMessage(c.Message)}); going on"))));

        During(MovingLedger,
            When(CreditsGranted)
                .Then(c => Step(c.Saga, "report-final-overage", "sent"))
                .Publish(c => new ReportFinalOverage
                {
                    OperationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                    PeriodStart = c.Saga.PeriodStart, PeriodEnd = c.Saga.PeriodEnd,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "report-final-overage"),
                    Requester = SagaName,
                })
                .TransitionTo(ReportingOverage),
            When(GrantFaulted)
                .Then(c => Fail(c.Saga, "move-ledger", $"the ledger could not move to the new plan, so the plan was not changed: {FirstMessage(c.Message)}"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed));

        During(ReportingOverage,
            When(OverageReported)
                // create_prorations, not none: removing the metered item must still bill its usage (Stripe adds
                // it to the next invoice), and the few minutes before the period end are prorated.
                .Then(c => Step(c.Saga, "update-items", $"overage {c.Message.Quantity} reported; sent (create_prorations)"))
                .Publish(c => UpdateItems(c.Saga, "downgrade-items", "create_prorations"))
                .TransitionTo(DowngradingItems),
            When(OverageReportFaulted)
                .Then(c => Fail(c.Saga, "report-final-overage", $"the last overage could not be reported, so the plan was not changed: {FirstMessage(c.Message)}"))
                .Then(c => Step(c.Saga, "move-ledger-back", $"to {c.Saga.FromPlanId}"))
                .Publish(c => MoveLedger(c.Saga, c.Saga.FromPlanId, "ledger-back"))
                .TransitionTo(RevertingLedger));

        During(DowngradingItems,
            When(ItemsUpdated)
                .Then(c => Updated(c.Saga, c.Message))
                .Publish(c => Changed(c.Saga))
                .TransitionTo(Completed),
            When(ItemsUpdateFailed)
                .Then(c => Fail(c.Saga, "update-items", $"Stripe refused the change: {c.Message.Reason}"))
                .Then(c => Step(c.Saga, "move-ledger-back", $"to {c.Saga.FromPlanId}"))
                .Publish(c => MoveLedger(c.Saga, c.Saga.FromPlanId, "ledger-back"))
                .TransitionTo(RevertingLedger),
            When(ItemsUpdateFaulted)
                .Then(c => Step(c.Saga, "update-items", $"in doubt after retries ({FirstMessage(c.Message)}); reading Stripe's state"))
                .Publish(c => ReadState(c.Saga))
                .TransitionTo(VerifyingChange));

        // A downgrade that did not happen on Stripe puts the ledger back on the old plan, then fails.
        During(RevertingLedger,
            When(CreditsGranted)
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(Failed),
            When(GrantFaulted)
                .Then(c => Fail(c.Saga, "move-ledger-back",
                    $"{c.Saga.LastError}; the ledger could not be moved back to {c.Saga.FromPlanId} ({FirstMessage(c.Message)}), an operator must move it"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(CompensationFailed));

        // Stripe's state decides a change whose write ended in doubt or whose deadline passed (see Resolve).
        During(VerifyingChange,
            When(StateRead)
                .Then(c => { Read(c.Saga, c.Message); c.Saga.ProrationInvoiceId = c.Message.InvoiceId ?? c.Saga.ProrationInvoiceId; })
                .IfElse(c => c.Saga.Kind == Upgrade,
                    upgrade => upgrade
                        .IfElse(c => OnPlan(c.Saga.ToPlan, c.Message) && c.Message.InvoiceStatus is null or "paid",
                            paid => paid
                                .Then(c => Step(c.Saga, "read-stripe", $"the new plan's items are on Stripe and paid (invoice {c.Message.InvoiceId ?? "none"})"))
                                .Publish(c => GrantCredits(c.Saga, DateTimeOffset.UtcNow))
                                .TransitionTo(GrantingCredits),
                            notPaid => notPaid.IfElse(c => OnPlan(c.Saga.FromPlan, c.Message),
                                unchanged => unchanged
                                    .Then(c => Fail(c.Saga, "read-stripe", "Stripe did not apply the upgrade (the previous items are in place), so the plan was not changed"))
                                    .Publish(c => FailedEvent(c.Saga))
                                    .TransitionTo(Failed),
                                unpaid => unpaid.IfElse(c => c.Message.InvoiceStatus == "paid",
                                    odd => odd
                                        .Then(c => Fail(c.Saga, "read-stripe",
                                            $"invoice {c.Message.InvoiceId} is paid but the items match neither plan; an operator must check the subscription"))
                                        .Publish(c => FailedEvent(c.Saga))
                                        .TransitionTo(CompensationFailed),
                                    // The new items are on Stripe, unpaid: the normal compensation (void, restore).
                                    restore => restore
                                        .Then(c => Fail(c.Saga, "read-stripe",
                                            $"the upgrade reached Stripe but invoice {c.Message.InvoiceId} is {c.Message.InvoiceStatus}, so the previous plan was restored"))
                                        .Publish(c => Restore(c.Saga) with { VoidInvoiceId = c.Message.InvoiceStatus is "open" or "draft" ? c.Message.InvoiceId : null })
                                        .TransitionTo(RestoringItems)))),
                    downgrade => downgrade
                        .IfElse(c => OnPlan(c.Saga.ToPlan, c.Message),
                            // The ledger's move is repeated under its own key: a no-op if it was done.
                            done => done
                                .Then(c => Step(c.Saga, "read-stripe", "the new plan's items are on Stripe"))
                                .Publish(c => MoveLedger(c.Saga, c.Saga.ToPlanId, "credits"))
                                .TransitionTo(GrantingCredits),
                            notDone => notDone.IfElse(c => OnPlan(c.Saga.FromPlan, c.Message),
                                unchanged => unchanged
                                    .Then(c => Fail(c.Saga, "read-stripe", "Stripe did not apply the downgrade (the previous items are in place), so the plan was not changed"))
                                    .Then(c => Step(c.Saga, "move-ledger-back", $"to {c.Saga.FromPlanId}"))
                                    .Publish(c => MoveLedger(c.Saga, c.Saga.FromPlanId, "ledger-back"))
                                    .TransitionTo(RevertingLedger),
                                odd => odd
                                    .Then(c => Fail(c.Saga, "read-stripe", "the items match neither plan; an operator must check the subscription"))
                                    .Publish(c => FailedEvent(c.Saga))
                                    .TransitionTo(CompensationFailed)))),
            When(ReadFaulted)
                .Then(c => Fail(c.Saga, "read-stripe", $"Stripe's state could not be read ({FirstMessage(c.Message)}); an operator must check the subscription"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(CompensationFailed));

        // After a restore that ended in doubt: restored, paid after all (grant), or a case for an operator.
        During(VerifyingRestore,
            When(StateRead)
                .Then(c => Read(c.Saga, c.Message))
                .IfElse(c => OnPlan(c.Saga.FromPlan, c.Message) && c.Message.InvoiceStatus != "paid",
                    restored => restored
                        .Then(c => Step(c.Saga, "read-stripe", "the previous items are back on Stripe"))
                        .Publish(c => FailedEvent(c.Saga))
                        .TransitionTo(Failed),
                    notRestored => notRestored.IfElse(c => OnPlan(c.Saga.ToPlan, c.Message) && c.Message.InvoiceStatus == "paid",
                        paidAfterAll => paidAfterAll
                            .Then(c => { c.Saga.LastError = null; Step(c.Saga, "read-stripe", $"invoice {c.Message.InvoiceId} was paid after all: the upgrade stands"); })
                            .Publish(c => GrantCredits(c.Saga, DateTimeOffset.UtcNow))
                            .TransitionTo(GrantingCredits),
                        odd => odd
                            .Then(c => Fail(c.Saga, "restore-items",
                                $"{c.Saga.LastError}; restoring the previous items also failed, an operator must check the subscription"))
                            .Publish(c => FailedEvent(c.Saga))
                            .TransitionTo(CompensationFailed))),
            When(ReadFaulted)
                .Then(c => Fail(c.Saga, "read-stripe", $"Stripe's state could not be read ({FirstMessage(c.Message)}); an operator must check the subscription"))
                .Publish(c => FailedEvent(c.Saga))
                .TransitionTo(CompensationFailed));

        // A change still in flight at its deadline lost a message or is stuck: Stripe's state decides how it ends.
        During(new[] { UpgradingItems, AwaitingPayment, GrantingCredits, RestoringItems, MovingLedger, ReportingOverage,
                DowngradingItems, RevertingLedger, VerifyingChange }.AsEnumerable(),
            ReadStripeAtDeadline(When(Deadline.Received).Unschedule(PaymentTimeout), options, "state")
                .TransitionTo(VerifyingChange));
        // A downgrade that has not moved anything yet: its deadline only means its time came late, with the period end
        // (the scheduler down) or without it (the schedule lost). The period check decides, as for a schedule on time;
        // read as a stuck change, Stripe's old items would end it as "not applied" and the customer would have to ask again.
        During(WaitingForPeriodEnd, CheckingPeriod,
            ReadStripeAtDeadline(When(Deadline.Received), options, "period")
                .TransitionTo(CheckingPeriod));
        During(VerifyingRestore,
            ReadStripeAtDeadline(When(Deadline.Received), options, "state"));

        WhenEnter(Completed, x => x.Unschedule(Deadline));
        WhenEnter(Failed, x => x.Unschedule(Deadline));
        WhenEnter(CompensationFailed, x => x.Unschedule(Deadline));
        WhenEnter(GrantFailed, x => x.Unschedule(Deadline));

        // The state decides: a repeated BeginPlanChange, a reply delivered twice or a timeout that fires after the
        // change moved on finds a state that does not expect it and is dropped. Instances are kept (not
        // finalized away) as the operation's record.
        OnUnhandledEvent(c => c.Ignore());
    }

    /// <summary>The update step's InvoiceStatus when Stripe attempted the proration invoice and the payment failed.</summary>
    public const string PaymentFailedStatus = "payment_failed";

    private const string NoCardReason = "no card was given for the upgrade (the card page expired or was not completed in time), so the plan was not changed";

    private const string PaymentDeclinedReason = "the upgrade's payment was declined (or no card is saved), so the previous plan was restored";

    private const string Upgrade = "upgrade";
    private const string Downgrade = "downgrade";

    private static void Start(PlanChangeState saga, BeginPlanChange m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.SubscriptionId = m.SubscriptionId;
        saga.FromPlanId = m.FromPlan.PlanId;
        saga.ToPlanId = m.ToPlan.PlanId;
        saga.FromPlan = SagaJson.Write(m.FromPlan);
        saga.ToPlan = SagaJson.Write(m.ToPlan);
        saga.PreviousItems = SagaJson.Write(m.Items);
        saga.CurrentItems = saga.PreviousItems;
        saga.PeriodStart = m.PeriodStart;
        saga.PeriodEnd = m.PeriodEnd;
        saga.Kind = m.ToPlan.MonthlyAmount > m.FromPlan.MonthlyAmount ? Upgrade : Downgrade;
        saga.CreatedAt = DateTimeOffset.UtcNow;
        Step(saga, "begin", $"{saga.Kind} {saga.FromPlanId} -> {saga.ToPlanId}");
    }

    private static void RejectedRecord(PlanChangeState saga, PlanChangeRejected m)
    {
        saga.CustomerId = m.CustomerId;
        saga.ToPlanId = m.NewPlanId;
        saga.Kind = "rejected";
        saga.CreatedAt = DateTimeOffset.UtcNow;
        Fail(saga, "begin", m.InFlightOperationId is { } inFlight ? $"{m.Reason} (operation {inFlight})" : m.Reason);
    }

    private static UpdateSubscriptionItems UpdateItems(PlanChangeState saga, string step, string proration) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        SubscriptionId = saga.SubscriptionId,
        Changes = SubscriptionItemsInvariant.ChangesTo(SagaJson.Plan(saga.ToPlan), SagaJson.Items(saga.CurrentItems)),
        ProrationBehavior = proration,
        Step = step,
        IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, step),
    };

    private static void Updated(PlanChangeState saga, SubscriptionItemsUpdated m)
    {
        saga.CurrentItems = SagaJson.Write(m.Items);
        saga.ProrationInvoiceId = m.InvoiceId;
        Step(saga, "update-items", m.InvoiceId is null ? "done" : $"done, invoice {m.InvoiceId} {m.InvoiceStatus}");
        FollowPeriod(saga, m.PeriodStart, m.PeriodEnd);
    }

    private static void Read(PlanChangeState saga, SubscriptionStateRead m)
    {
        saga.CurrentItems = SagaJson.Write(m.Items);
        FollowPeriod(saga, m.PeriodStart, m.PeriodEnd);
    }

    /// <summary>
    /// The period the change is credited in is the subscription's when Stripe applied it, not the one it began in. An
    /// upgrade that waited past the roll (a card collected through Checkout, a payment confirmed late) is charged by Stripe
    /// for the new period; granted in the old one, the ledger (already in the new period) would grant nothing, and the
    /// customer would pay for the new plan and stay on the old one's allowance. Forward only: a stale answer never moves it back.
    /// </summary>
    private static void FollowPeriod(PlanChangeState saga, DateTimeOffset? start, DateTimeOffset? end)
    {
        if (start is not { } s || end is not { } e || s <= saga.PeriodStart) return;
        Step(saga, "period", $"the subscription rolled to {s:O} before the change was applied: credited in that period");
        saga.PeriodStart = s;
        saga.PeriodEnd = e;
    }

    /// <summary>A downgrade waits for its period's end, less the lead time; its deadline counts from then.</summary>
    private EventActivityBinder<PlanChangeState, T> WaitForPeriodEnd<T>(EventActivityBinder<PlanChangeState, T> binder, PlanChangeOptions options)
        where T : class =>
        binder
            .Then(c => Step(c.Saga, "wait-for-period-end", $"until {c.Saga.PeriodEnd:O}"))
            .Schedule(PeriodEnd, c => new PlanPeriodEnded { OperationId = c.Saga.CorrelationId },
                c => (c.Saga.PeriodEnd - options.DowngradeLeadTime).UtcDateTime)
            .Schedule(Deadline, c => new PlanChangeDeadlinePassed { OperationId = c.Saga.CorrelationId },
                c => (c.Saga.PeriodEnd - options.DowngradeLeadTime + options.Deadline).UtcDateTime)
            .TransitionTo(WaitingForPeriodEnd);

    /// <summary>At the deadline: read Stripe's subscription, whose answer decides, and set the next deadline.</summary>
    private EventActivityBinder<PlanChangeState, PlanChangeDeadlinePassed> ReadStripeAtDeadline(
        EventActivityBinder<PlanChangeState, PlanChangeDeadlinePassed> binder, PlanChangeOptions options, string what) =>
        binder
            .Then(c => Step(c.Saga, "deadline", $"still {c.Saga.CurrentState} after {options.Deadline}; reading Stripe's {what}"))
            .Publish(c => ReadState(c.Saga))
            .Schedule(Deadline, c => new PlanChangeDeadlinePassed { OperationId = c.Saga.CorrelationId });

    /// <summary>
    /// A downgrade carried out: the ledger moves to the new plan FIRST (no allowance: the old one runs to the period end).
    /// From then on no usage becomes overage on the old plan's terms, so the overage report that follows is final: nothing
    /// accrues between the last report and the removal of the metered item, where Stripe would no longer bill it.
    /// </summary>
    private EventActivityBinder<PlanChangeState, T> MoveLedgerFirst<T>(EventActivityBinder<PlanChangeState, T> binder) where T : class =>
        binder
            .Then(c => Step(c.Saga, "move-ledger", $"to {c.Saga.ToPlanId}, no allowance"))
            .Publish(c => MoveLedger(c.Saga, c.Saga.ToPlanId, "credits"))
            .TransitionTo(MovingLedger);

    /// <summary>Whether Stripe's subscription is already in a period that starts at or after the one the downgrade waited for ends.</summary>
    private static bool RolledPast(PlanChangeState saga, SubscriptionStateRead read) =>
        read.PeriodStart is { } start && read.PeriodEnd is not null && start >= saga.PeriodEnd;

    private static ReadSubscriptionState ReadState(PlanChangeState saga) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        SubscriptionId = saga.SubscriptionId,
        InvoiceId = saga.ProrationInvoiceId,
    };

    /// <summary>Whether Stripe's items are exactly the plan's (nothing to change).</summary>
    private static bool OnPlan(string planJson, SubscriptionStateRead read) =>
        SubscriptionItemsInvariant.ChangesTo(SagaJson.Plan(planJson), read.Items).Count == 0;

    /// <summary>A downgrade's ledger step: the account on <paramref name="planId"/> for the rest of the period, no allowance.</summary>
    private static GrantPlanChangeCredits MoveLedger(PlanChangeState saga, string planId, string step) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        PlanId = planId,
        PeriodStart = saga.PeriodStart,
        PeriodEnd = saga.PeriodEnd,
        Allowance = 0,
        Step = step,
        Requester = SagaName,
    };

    private static GrantPlanChangeCredits GrantCredits(PlanChangeState saga, DateTimeOffset paidAt) =>
        GrantCredits(saga, CreditProration.ForUpgrade(SagaJson.Plan(saga.ToPlan).IncludedCredits, saga.PeriodStart, saga.PeriodEnd, paidAt));

    private static GrantPlanChangeCredits GrantCredits(PlanChangeState saga, long allowance) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        PlanId = saga.ToPlanId,
        PeriodStart = saga.PeriodStart,
        PeriodEnd = saga.PeriodEnd,
        Allowance = allowance,
        Requester = SagaName,
    };

    /// <summary>Compensation: the changes that take the items as Stripe reported them back to the previous plan.</summary>
    private static RestoreSubscriptionItems Restore(PlanChangeState saga) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        SubscriptionId = saga.SubscriptionId,
        Changes = SubscriptionItemsInvariant.ChangesTo(SagaJson.Plan(saga.FromPlan), SagaJson.Items(saga.CurrentItems)),
        VoidInvoiceId = saga.ProrationInvoiceId,
        IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, "restore-items"),
    };

    private static PlanChanged Changed(PlanChangeState saga) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        FromPlanId = saga.FromPlanId,
        ToPlanId = saga.ToPlanId,
        Items = SagaJson.Items(saga.CurrentItems),
        CreditsGranted = saga.CreditsGranted,
        EffectiveAt = DateTimeOffset.UtcNow,
    };

    private static PlanChangeFailed FailedEvent(PlanChangeState saga) => new()
    {
        OperationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        FromPlanId = saga.FromPlanId,
        ToPlanId = saga.ToPlanId,
        Items = SagaJson.Items(saga.CurrentItems),
        Reason = saga.LastError ?? "",
    };

    private static void Step(PlanChangeState saga, string step, string outcome)
    {
        saga.UpdatedAt = DateTimeOffset.UtcNow;
        saga.Steps += $"{saga.UpdatedAt:O} {step} {outcome}\n";
    }

    private static void Fail(PlanChangeState saga, string step, string reason)
    {
        saga.LastError = reason;
        Step(saga, step, "failed: " + reason);
    }

    private static string FirstMessage<T>(Fault<T> fault) => fault.Exceptions.FirstOrDefault()?.Message ?? "unknown error";

    public State CheckingCard { get; private set; } = null!;
    /// <summary>An upgrade without a card waits for the customer on the setup-mode Checkout page (<see cref="PlanChangeState.CardCheckoutUrl"/>).</summary>
    public State AwaitingCard { get; private set; } = null!;
    public State SavingCard { get; private set; } = null!;
    public State UpgradingItems { get; private set; } = null!;
    public State AwaitingPayment { get; private set; } = null!;
    public State GrantingCredits { get; private set; } = null!;
    public State RestoringItems { get; private set; } = null!;
    public State WaitingForPeriodEnd { get; private set; } = null!;
    public State CheckingPeriod { get; private set; } = null!;
    public State ReportingOverage { get; private set; } = null!;
    public State MovingLedger { get; private set; } = null!;
    public State DowngradingItems { get; private set; } = null!;
    public State RevertingLedger { get; private set; } = null!;
    public State VerifyingChange { get; private set; } = null!;
    public State VerifyingRestore { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State CompensationFailed { get; private set; } = null!;
    /// <summary>Final: the upgrade was paid and Stripe holds it, but the ledger refused its credits to the end.</summary>
    public State GrantFailed { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;

    public Event<BeginPlanChange> Begin { get; private set; } = null!;
    public Event<SubscriptionItemsUpdated> ItemsUpdated { get; private set; } = null!;
    public Event<SubscriptionItemsUpdateFailed> ItemsUpdateFailed { get; private set; } = null!;
    public Event<Fault<UpdateSubscriptionItems>> ItemsUpdateFaulted { get; private set; } = null!;
    public Event<SubscriptionItemsRestored> ItemsRestored { get; private set; } = null!;
    public Event<Fault<RestoreSubscriptionItems>> RestoreFaulted { get; private set; } = null!;
    public Event<FinalOverageReported> OverageReported { get; private set; } = null!;
    public Event<Fault<ReportFinalOverage>> OverageReportFaulted { get; private set; } = null!;
    public Event<PlanChangeRejected> ChangeRejected { get; private set; } = null!;
    public Event<PlanChangeCreditsGranted> CreditsGranted { get; private set; } = null!;
    public Event<Fault<GrantPlanChangeCredits>> GrantFaulted { get; private set; } = null!;
    public Event<SubscriptionStateRead> StateRead { get; private set; } = null!;
    public Event<Fault<ReadSubscriptionState>> ReadFaulted { get; private set; } = null!;
    public Event<RetrySagaStep> Retry { get; private set; } = null!;
    public Event<StripeInvoicePaid> InvoicePaid { get; private set; } = null!;
    public Event<StripeInvoicePaymentFailed> InvoicePaymentFailed { get; private set; } = null!;

    public Event<CardOnFileChecked> CardChecked { get; private set; } = null!;
    public Event<Fault<CheckCardOnFile>> CardCheckFaulted { get; private set; } = null!;
    public Event<CardSetupSessionCreated> CardPageCreated { get; private set; } = null!;
    public Event<Fault<CreateCardSetupSession>> CardPageFaulted { get; private set; } = null!;
    public Event<StripeCheckoutSessionCompleted> CardPageCompleted { get; private set; } = null!;
    public Event<StripeCheckoutSessionExpired> CardPageExpired { get; private set; } = null!;
    public Event<CardSaved> CardSaved { get; private set; } = null!;
    public Event<Fault<SaveDefaultCard>> CardSaveFaulted { get; private set; } = null!;
    public Schedule<PlanChangeState, CardCollectionTimedOut> CardTimeout { get; private set; } = null!;

    public Schedule<PlanChangeState, PaymentConfirmationTimedOut> PaymentTimeout { get; private set; } = null!;
    public Schedule<PlanChangeState, PlanPeriodEnded> PeriodEnd { get; private set; } = null!;
    public Schedule<PlanChangeState, PlanChangeDeadlinePassed> Deadline { get; private set; } = null!;
}
