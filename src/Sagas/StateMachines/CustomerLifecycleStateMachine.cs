using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// A customer from registration on: RegisterCustomer -> CreateStripeCustomer -> CreateSubscription on the plan
/// -> CustomerRegistered. A paid plan asked for at registration is subscribed as the free default plan, then upgraded by a
/// plan change the saga starts itself (which collects the card through Checkout when there is none). The first period's allowance (and the plan's trial credits, docs/promotions.md) is granted at once on a free plan and when the first
/// invoice is paid on a paid plan (whichever of that webhook and the subscription's reply comes first); a paid
/// plan whose first invoice cannot be paid fails registration (SubscriptionNotStarted). Every later period
/// opens when it rolls (the draft renewal invoice or the subscription's new period), not when it is paid; an
/// unpaid renewal (dunning) publishes SubscriptionPastDue once per invoice and stops overage (after
/// Sagas:Customer:RenewalGrace, zero by default) until it is paid, and a card saved meanwhile pays it. It also holds
/// the customer's one in-flight slot, shared by plan changes and cancellations: a ChangePlan or CancelSubscription
/// while either is in flight (or a cancellation is scheduled) is rejected (HTTP 409), never queued. When the
/// subscription ends (CancellationStateMachine: cancelled, or ended by Stripe after its last retry) the customer is
/// Cancelled and receives no more allowances. docs/boundaries/periods.md and docs/lifecycle/cancel-and-dunning.md tell the rules.
/// </summary>
public sealed class CustomerLifecycleStateMachine : MassTransitStateMachine<CustomerLifecycleState>
{
    public const string SagaName = "customer";

    public CustomerLifecycleStateMachine(IPlanCatalog catalog, CustomerLifecycleOptions options)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Register, e => e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)));
        Event(() => StripeCustomerCreated, e => { e.CorrelateById(c => c.Message.CorrelationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => StripeCustomerFaulted, e => { e.CorrelateById(c => c.Message.Message.CorrelationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SubscriptionCreated, e => { e.CorrelateById(c => c.Message.CorrelationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SubscriptionFaulted, e => { e.CorrelateById(c => c.Message.Message.CorrelationId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SubscriptionNotStarted, e => { e.CorrelateById(c => c.Message.CorrelationId); e.OnMissingInstance(m => m.Discard()); });
        // Stripe's subscription and invoice events name the app's customer (the subscription's metadata, or the link to
        // its Stripe customer: CustomerNaming in the Gateway), so a webhook that overtakes the subscription's reply (the
        // saga has no subscription id yet) still finds its customer, by id: no query before the lock, no delegate
        // compiled per message (docs/BENCHMARKS.md, twenty-eighth session). One naming no customer is dropped before
        // the saga's transaction (the definition's filter).
        Event(() => InvoicePaid, e => { e.CorrelateById(c => ForNamedCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => InvoiceCreated, e => { e.CorrelateById(c => ForNamedCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => InvoicePaymentFailed, e => { e.CorrelateById(c => ForNamedCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SubscriptionUpdated, e => { e.CorrelateById(c => ForNamedCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Schedule(() => RenewalGrace, x => x.RenewalGraceTokenId, s =>
        {
            s.Delay = options.RenewalGrace;
            s.Received = r => { r.CorrelateById(c => c.Message.CorrelationId); r.OnMissingInstance(m => m.Discard()); };
        });
        Event(() => ChangePlan, e =>
        {
            e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId));
            e.OnMissingInstance(m => m.ExecuteAsync(c => c.Publish(Rejected(c.Message, "the customer is not registered"))));
        });
        Event(() => PlanChanged, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PlanChangeFailed, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CancelSubscription, e =>
        {
            e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId));
            e.OnMissingInstance(m => m.ExecuteAsync(c => c.Publish(CancelRejected(c.Message.OperationId, c.Message.CustomerId, "the customer is not registered"))));
        });
        Event(() => ResumeSubscription, e =>
        {
            e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId));
            e.OnMissingInstance(m => m.ExecuteAsync(c => c.Publish(CancelRejected(c.Message.OperationId, c.Message.CustomerId, "the customer is not registered"))));
        });
        Event(() => CancellationScheduled, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SubscriptionResumed, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SubscriptionCanceled, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CancellationFailed, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardSaved, e => { e.CorrelateById(c => SagaKeys.ForCustomer(c.Message.CustomerId)); e.OnMissingInstance(m => m.Discard()); });

        Initially(
            When(Register)
                .Then(c => Start(c.Saga, c.Message, catalog))
                .IfElse(c => catalog.Find(c.Saga.PlanId) is null || (c.Saga.RequestedPlanId is { } requested && catalog.Find(requested) is null),
                    unknown => unknown
                        .Then(c => c.Saga.LastError = $"there is no plan '{c.Saga.RequestedPlanId ?? c.Saga.PlanId}'")
                        .Publish(c => RegistrationFailedEvent(c.Saga, "plan"))
                        .TransitionTo(RegistrationFailed),
                    known => known
                        .Publish(c => new CreateStripeCustomer
                        {
                            CorrelationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, Email = c.Saga.Email, Name = c.Saga.Name,
                            IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "create-customer"),
                        })
                        .TransitionTo(CreatingStripeCustomer)));

        During(CreatingStripeCustomer,
            When(StripeCustomerCreated)
                .Then(c => c.Saga.StripeCustomerId = c.Message.StripeCustomerId)
                .Publish(c => CreateSubscriptionFor(c.Saga, catalog.Find(c.Saga.PlanId)!))
                .TransitionTo(CreatingSubscription),
            When(StripeCustomerFaulted)
                .Then(c => c.Saga.LastError = $"the Stripe customer could not be created: {FirstMessage(c.Message)}")
                .Publish(c => RegistrationFailedEvent(c.Saga, "create-customer"))
                .TransitionTo(RegistrationFailed));

        During(CreatingSubscription,
            // The first invoice's webhook may overtake the subscription's reply: its period opens now all the same.
            When(InvoicePaid, c => c.Message.SubscriptionId is not null && OpensPeriod(c.Message) && c.Saga.AllowancePeriodStart is null)
                .Then(c => c.Saga.SubscriptionId = c.Message.SubscriptionId)
                .Then(c => OpenPeriod(c.Saga, c.Message.PeriodStart, c.Message.PeriodEnd))
                .Publish(c => PeriodAllowance(catalog, c.Saga, c.Message.ServicePriceId, c.Message.PeriodStart, c.Message.PeriodEnd, firstPeriod: true)),
            When(SubscriptionCreated)
                .Then(c => Subscribed(c.Saga, c.Message))
                .Publish(c => Registered(c.Saga))
                // A free plan has nothing to pay: its allowance starts now (unless its $0 invoice.paid overtook this reply and
                // opened the period already). A paid plan's waits for invoice.paid.
                .If(c => catalog.Find(c.Saga.PlanId)!.MonthlyAmount == 0 && c.Saga.AllowancePeriodStart is null, free => free
                    .Then(c => c.Saga.AllowancePeriodStart = c.Saga.PeriodStart)
                    .Publish(c => Allowance(c.Saga, c.Saga.PlanId, c.Saga.PeriodStart!.Value, c.Saga.PeriodEnd!.Value, firstPeriod: true)))
                // Registered on the free plan for a paid one: the upgrade starts now, in the customer's plan-change slot. It
                // collects the card through Checkout when there is none; if none ever comes the customer stays on the free plan.
                .If(c => c.Saga.RequestedPlanId is not null, paid => paid
                    .Then(c =>
                    {
                        c.Saga.PlanChangeOperationId = c.Saga.LastPlanChangeOperationId = SagaKeys.ForRegistrationUpgrade(c.Saga.CustomerId);
                        c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                    })
                    .Publish(c => Begin(c.Saga, new ChangePlan
                    {
                        OperationId = c.Saga.PlanChangeOperationId!.Value, CustomerId = c.Saga.CustomerId, NewPlanId = c.Saga.RequestedPlanId!,
                    }, catalog))
                    .Then(c => c.Saga.RequestedPlanId = null))
                .TransitionTo(Active),
            When(SubscriptionNotStarted)
                .Then(c => c.Saga.LastError = c.Message.Reason)
                .Publish(c => RegistrationFailedEvent(c.Saga, "create-subscription"))
                .TransitionTo(RegistrationFailed),
            When(SubscriptionFaulted)
                .Then(c => c.Saga.LastError = $"the subscription could not be created: {FirstMessage(c.Message)}")
                .Publish(c => RegistrationFailedEvent(c.Saga, "create-subscription"))
                .TransitionTo(RegistrationFailed));

        During(Active,
            // A repeated registration is acknowledged with the customer as it is.
            When(Register)
                .Publish(c => Registered(c.Saga)),
            // --- Billing periods (docs/boundaries/periods.md) ---
            // A renewal opens the next period when it rolls: the draft renewal invoice (created at the roll,
            // charged about an hour later) or the subscription's new period, whichever comes first. Usage in
            // the draft window burns the new allowance, never overage of the old period. Only once a first
            // period was granted: a paid plan's first period waits for its first payment. The period is on the plan
            // Stripe bills for it (PeriodAllowance), which a plan change may have moved before PlanChanged reaches this saga.
            When(InvoiceCreated, c => Renews(c.Message.BillingReason) && Rolls(c.Saga, c.Message.PeriodStart))
                .Then(c => OpenPeriod(c.Saga, c.Message.PeriodStart, c.Message.PeriodEnd))
                .Publish(c => PeriodAllowance(catalog, c.Saga, c.Message.ServicePriceId, c.Message.PeriodStart, c.Message.PeriodEnd)),
            // Billing publishes a subscription's events newest-last, so the latest status is the one to keep.
            When(SubscriptionUpdated)
                .Then(c => { c.Saga.SubscriptionStatus = c.Message.Status; c.Saga.UpdatedAt = DateTimeOffset.UtcNow; })
                .If(c => SubscriptionPeriod(c.Message) is { } period && Rolls(c.Saga, period.Start), roll => roll
                    .Then(c => { var (start, end) = SubscriptionPeriod(c.Message)!.Value; OpenPeriod(c.Saga, start, end); })
                    .Publish(c => PeriodAllowance(catalog, c.Saga, FlatItem(c.Message)?.PriceId, c.Saga.PeriodStart!.Value, c.Saga.PeriodEnd!.Value)))
                .If(c => c.Message.Status is "past_due" or "unpaid" && c.Saga.RenewalUnpaidSince is null,
                    unpaid => RenewalUnpaid(unpaid, options, c => c.Message.EventCreated))
                // Only a status Stripe set after the renewal failed: the roll's own "active" event, delivered late or twice,
                // must not lift what the failure stopped.
                .If(c => c.Message.Status == "active" && c.Saga.RenewalUnpaidSince is { } since && c.Message.EventCreated > since,
                    paid => RenewalPaid(paid))
                // Stripe ended the subscription by itself (the last retry of an unpaid renewal failed, or someone ended it at
                // Stripe): the same end as a cancellation, without its Stripe step. A cancellation in flight ends it itself.
                .If(c => SubscriptionEnd.Is(c.Message) && c.Saga.CancellationOperationId is null, ended => ended
                    .Then(c => { c.Saga.CancellationOperationId = SagaKeys.ForSubscriptionEnd(c.Message.SubscriptionId); c.Saga.LastCancellationOperationId = c.Saga.CancellationOperationId; })
                    .Publish(c => BeginEnd(c.Saga, catalog, CancellationModes.EndedByStripe, "stripe", c.Message.CancellationReason))),
            // The first paid invoice opens the first period of a paid plan (with the plan's trial credits); a renewal paid
            // before its roll was seen opens its period now. Proration invoices (subscription_update) open nothing.
            // One When with one choice: two filtered Whens of one event both run, the second seeing what the first changed.
            When(InvoicePaid, c => OpensPeriod(c.Message) && (c.Saga.AllowancePeriodStart is not { } granted || c.Message.PeriodStart > granted))
                .Then(c => c.Saga.SubscriptionStatus = "active")
                .IfElse(c => c.Saga.AllowancePeriodStart is null,
                    first => first
                        .Then(c => OpenPeriod(c.Saga, c.Message.PeriodStart, c.Message.PeriodEnd))
                        .Publish(c => PeriodAllowance(catalog, c.Saga, c.Message.ServicePriceId, c.Message.PeriodStart, c.Message.PeriodEnd, firstPeriod: true)),
                    later => later
                        .Then(c => OpenPeriod(c.Saga, c.Message.PeriodStart, c.Message.PeriodEnd))
                        .Publish(c => PeriodAllowance(catalog, c.Saga, c.Message.ServicePriceId, c.Message.PeriodStart, c.Message.PeriodEnd))),
            // The unpaid renewal itself paid (a retry, the hosted page, a new card). An older renewal's invoice.paid delivered late
            // or twice is not this payment.
            RenewalPaid(When(InvoicePaid, c => Renews(c.Message.BillingReason) && c.Saga.RenewalUnpaidSince is { } since
                    && (c.Saga.PastDueInvoiceId is { } unpaid ? c.Message.InvoiceId == unpaid : c.Message.EventCreated > since))
                .Then(c => c.Saga.SubscriptionStatus = "active")),
            // --- Dunning (docs/lifecycle/cancel-and-dunning.md) ---
            // A declined renewal: the customer and the app are told once per invoice (SubscriptionPastDue, the portal's
            // banner) and overage stops (after the grace, none by default) while Stripe retries it (Smart Retries).
            When(InvoicePaymentFailed, c => Renews(c.Message.BillingReason))
                .If(c => c.Saga.PastDueInvoiceId != c.Message.InvoiceId, first => first
                    .Then(c =>
                    {
                        c.Saga.PastDueInvoiceId = c.Message.InvoiceId;
                        c.Saga.PastDueAmount = c.Message.AmountDue;
                        c.Saga.PastDueCurrency = c.Message.Currency;
                        c.Saga.PastDueInvoiceUrl = c.Message.HostedInvoiceUrl;
                    })
                    .Publish(c => new SubscriptionPastDue
                    {
                        CustomerId = c.Saga.CustomerId, SubscriptionId = c.Saga.SubscriptionId ?? "", InvoiceId = c.Message.InvoiceId,
                        AmountDue = c.Message.AmountDue, Currency = c.Message.Currency, HostedInvoiceUrl = c.Message.HostedInvoiceUrl,
                        AttemptCount = c.Message.AttemptCount,
                    }))
                .If(c => c.Saga.RenewalUnpaidSince is null, unpaid => RenewalUnpaid(unpaid, options, c => c.Message.EventCreated)),
            SuspendOverage(When(RenewalGrace.Received, c => c.Saga.RenewalUnpaidSince is not null)),
            // A new card while the renewal is unpaid: pay the open invoice with it now rather than wait for Stripe's next
            // retry. Its invoice.paid restores overage; a decline leaves things as they are (the invoice stays open).
            When(CardSaved, c => c.Saga.PastDueInvoiceId is not null)
                .Publish(c => new PayOpenInvoice
                {
                    CustomerId = c.Saga.CustomerId, InvoiceId = c.Saga.PastDueInvoiceId!, PaymentMethodId = c.Message.PaymentMethodId,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, $"pay:{c.Saga.PastDueInvoiceId}:{c.Message.PaymentMethodId}"),
                }),
            // --- The one in-flight slot: plan changes and cancellations ---
            When(ChangePlan)
                .IfElse(c => c.Saga.PlanChangeOperationId == c.Message.OperationId || c.Saga.LastPlanChangeOperationId == c.Message.OperationId,
                    duplicate => duplicate, // the same request again: it is already running or done
                    fresh => fresh.IfElse(c => Refusal(c.Saga, c.Message, catalog) is not null,
                        refused => refused.Publish(c => Rejected(c.Message, Refusal(c.Saga, c.Message, catalog)!, SlotHolder(c.Saga))),
                        accepted => accepted
                            .Then(c => { c.Saga.PlanChangeOperationId = c.Message.OperationId; c.Saga.LastPlanChangeOperationId = c.Message.OperationId; })
                            .Publish(c => Begin(c.Saga, c.Message, catalog)))),
            // The change in flight, or the latest one completing after it was reported failed (an operator retried its
            // grant, SagaRetry): Stripe and the ledger hold the new plan, so the customer does too.
            When(PlanChanged, c => c.Message.OperationId == c.Saga.PlanChangeOperationId
                || (c.Saga.PlanChangeOperationId is null && c.Message.OperationId == c.Saga.LastPlanChangeOperationId))
                .Then(c =>
                {
                    c.Saga.PlanId = c.Message.ToPlanId;
                    c.Saga.Items = SagaJson.Write(c.Message.Items);
                    c.Saga.PlanChangeOperationId = null;
                    c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                }),
            When(PlanChangeFailed, c => c.Message.OperationId == c.Saga.PlanChangeOperationId)
                .Then(c =>
                {
                    c.Saga.Items = SagaJson.Write(c.Message.Items);
                    c.Saga.PlanChangeOperationId = null;
                    c.Saga.LastError = c.Message.Reason;
                    c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                }),
            When(CancelSubscription)
                .IfElse(c => c.Saga.CancellationOperationId == c.Message.OperationId || c.Saga.LastCancellationOperationId == c.Message.OperationId,
                    duplicate => duplicate,
                    fresh => fresh.IfElse(c => SlotHolder(c.Saga) is not null,
                        refused => refused.Publish(c => CancelRejected(c.Message.OperationId, c.Saga.CustomerId, SlotRefusal(c.Saga)!, SlotHolder(c.Saga))),
                        accepted => accepted
                            .Then(c => { c.Saga.CancellationOperationId = c.Message.OperationId; c.Saga.LastCancellationOperationId = c.Message.OperationId; })
                            .Publish(c => BeginEnd(c.Saga, catalog, c.Message.Immediately ? CancellationModes.Now : CancellationModes.AtPeriodEnd,
                                c.Message.RequestedBy, null)))),
            // Only the cancellation in the slot can be resumed; it refuses itself once its end has begun.
            When(ResumeSubscription)
                .IfElse(c => c.Saga.CancellationOperationId is null,
                    none => none.Publish(c => CancelRejected(c.Message.OperationId, c.Saga.CustomerId, "no cancellation is scheduled for this customer", c.Saga.PlanChangeOperationId)),
                    scheduled => scheduled.Publish(c => new ResumeCancellation
                    {
                        OperationId = c.Saga.CancellationOperationId!.Value, ResumeOperationId = c.Message.OperationId, CustomerId = c.Saga.CustomerId,
                    })),
            When(CancellationScheduled, c => c.Message.OperationId == c.Saga.CancellationOperationId)
                .Then(c => { c.Saga.CancelAt = c.Message.EndsAt; c.Saga.UpdatedAt = DateTimeOffset.UtcNow; }),
            When(SubscriptionResumed, c => c.Message.OperationId == c.Saga.CancellationOperationId)
                .Then(c => { c.Saga.CancellationOperationId = null; c.Saga.CancelAt = null; c.Saga.UpdatedAt = DateTimeOffset.UtcNow; }),
            When(CancellationFailed, c => c.Message.OperationId == c.Saga.CancellationOperationId)
                // Its reason stays on the cancellation's own record (GET /v1/customers/{id}/cancellation).
                .Then(c => { c.Saga.CancellationOperationId = null; c.Saga.CancelAt = null; c.Saga.UpdatedAt = DateTimeOffset.UtcNow; }),
            // The end: no more allowances (the Cancelled state ignores renewals), nothing past due any more.
            When(SubscriptionCanceled, c => c.Message.OperationId == c.Saga.CancellationOperationId)
                .Unschedule(RenewalGrace)
                .Then(c =>
                {
                    c.Saga.CancellationOperationId = null;
                    c.Saga.CancelAt = null;
                    c.Saga.CancelledAt = c.Message.EndedAt;
                    c.Saga.SubscriptionStatus = "canceled";
                    c.Saga.RenewalUnpaidSince = null;
                    ClearPastDue(c.Saga);
                    c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                })
                .TransitionTo(Cancelled));

        During(CreatingStripeCustomer, CreatingSubscription, RegistrationFailed,
            When(ChangePlan)
                .Publish(c => Rejected(c.Message, "the customer's registration has not completed")),
            When(CancelSubscription)
                .Publish(c => CancelRejected(c.Message.OperationId, c.Saga.CustomerId, "the customer's registration has not completed")),
            When(ResumeSubscription)
                .Publish(c => CancelRejected(c.Message.OperationId, c.Saga.CustomerId, "the customer's registration has not completed")));

        // A cancelled customer keeps its account (purchased credits, on the free plan's terms) and gets nothing more from
        // the ended subscription: renewals and Stripe's late events are ignored (OnUnhandledEvent), plan changes refused.
        During(Cancelled,
            When(Register)
                .Publish(c => Registered(c.Saga)),
            When(ChangePlan)
                .Publish(c => Rejected(c.Message, "the customer's subscription was cancelled; a cancelled customer cannot change plan")),
            When(CancelSubscription)
                .Publish(c => CancelRejected(c.Message.OperationId, c.Saga.CustomerId, "the customer's subscription has already ended")),
            When(ResumeSubscription)
                .Publish(c => CancelRejected(c.Message.OperationId, c.Saga.CustomerId, "the customer's subscription has ended; it cannot be resumed")));

        // Replies delivered twice, a RegisterCustomer while registration runs, invoices of other periods: the
        // state has moved on, so they change nothing.
        OnUnhandledEvent(c => c.Ignore());
    }

    private static void Start(CustomerLifecycleState saga, RegisterCustomer m, IPlanCatalog catalog)
    {
        saga.CustomerId = m.CustomerId;
        saga.Email = m.Email;
        saga.Name = m.Name;
        saga.PlanId = m.PlanId ?? catalog.DefaultPlanId;
        // A paid plan is never subscribed to directly: with no card its first invoice would leave the subscription incomplete.
        // The customer starts on the (free) default plan and upgrades once active (docs/lifecycle/cards.md).
        if (m.PlanId is { } requested && catalog.Find(requested) is { MonthlyAmount: > 0 } && catalog.Find(catalog.DefaultPlanId) is { MonthlyAmount: 0 })
        {
            saga.RequestedPlanId = requested;
            saga.PlanId = catalog.DefaultPlanId;
        }
        saga.CreatedAt = saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static CreateSubscription CreateSubscriptionFor(CustomerLifecycleState saga, PlanTerms plan) => new()
    {
        CorrelationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        StripeCustomerId = saga.StripeCustomerId!,
        PlanId = plan.PlanId,
        FlatPriceId = plan.FlatPriceId,
        MeteredPriceId = plan.MeteredPriceId,
        IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, "create-subscription"),
    };

    private static void Subscribed(CustomerLifecycleState saga, SubscriptionCreated m)
    {
        saga.SubscriptionId = m.SubscriptionId;
        saga.SubscriptionStatus = m.Status;
        saga.Items = SagaJson.Write(m.Items);
        saga.PeriodStart = m.PeriodStart;
        saga.PeriodEnd = m.PeriodEnd;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>A period later than the latest one granted, once a first period was granted.</summary>
    private static bool Rolls(CustomerLifecycleState saga, DateTimeOffset periodStart) =>
        saga.AllowancePeriodStart is { } granted && periodStart > granted;

    private static void OpenPeriod(CustomerLifecycleState saga, DateTimeOffset start, DateTimeOffset end)
    {
        saga.PeriodStart = start;
        saga.PeriodEnd = end;
        saga.AllowancePeriodStart = start;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The subscription's flat (licensed) item: its period is the subscription's, its price the plan Stripe bills.</summary>
    private static StripeSubscriptionItemState? FlatItem(StripeSubscriptionUpdated m) =>
        m.Items.FirstOrDefault(i => i.UsageType == "licensed" && i.CurrentPeriodEnd > i.CurrentPeriodStart);

    /// <summary>The subscription's current period, from its flat item.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End)? SubscriptionPeriod(StripeSubscriptionUpdated m) =>
        FlatItem(m) is { } flat ? (flat.CurrentPeriodStart, flat.CurrentPeriodEnd) : null;

    /// <summary>
    /// A period's allowance, on the plan Stripe bills for it (<paramref name="billedPrice"/>, the flat fee's price). A plan
    /// change moves Stripe's items before PlanChanged reaches this saga: while a change is in flight, a period opened is on
    /// the billed plan (after an upgrade the renewal is charged at the new plan's price, after a downgrade at the old one's no
    /// more). With no change in flight, a billed plan other than the saga's is a roll heard of late, after a change completed
    /// in the new period: the renewal paid for the billed plan's allowance, and the customer is on the saga's plan since.
    /// A price the catalog does not know (none on the invoice, a retired price) is the saga's plan, as before.
    /// </summary>
    private static StartAllowancePeriod PeriodAllowance(IPlanCatalog catalog, CustomerLifecycleState saga, string? billedPrice,
        DateTimeOffset start, DateTimeOffset end, bool firstPeriod = false)
    {
        var billed = billedPrice is null ? null : catalog.FindByFlatPrice(billedPrice);
        if (billed is null || billed.PlanId == saga.PlanId) return Allowance(saga, saga.PlanId, start, end, firstPeriod);
        return saga.PlanChangeOperationId is not null
            ? Allowance(saga, billed.PlanId, start, end, firstPeriod)
            : Allowance(saga, saga.PlanId, start, end, firstPeriod) with { Allowance = billed.IncludedCredits };
    }

    /// <summary>
    /// A renewal is unpaid: overage stops now, or after the configured grace. It is unpaid since Stripe said so (the
    /// event's time, not when it was consumed), so a later status or payment can be told from an earlier one delivered late.
    /// </summary>
    private EventActivityBinder<CustomerLifecycleState, T> RenewalUnpaid<T>(EventActivityBinder<CustomerLifecycleState, T> binder,
        CustomerLifecycleOptions options, Func<BehaviorContext<CustomerLifecycleState, T>, DateTimeOffset> stripeSaidAt) where T : class =>
        binder
            .Then(c => c.Saga.RenewalUnpaidSince = stripeSaidAt(c) == default ? DateTimeOffset.UtcNow : stripeSaidAt(c))
            .IfElse(_ => options.RenewalGrace <= TimeSpan.Zero,
                now => SuspendOverage(now),
                later => later.Schedule(RenewalGrace, c => new RenewalGraceEnded { CorrelationId = c.Saga.CorrelationId }));

    /// <summary>The ledger stops billing overage (the excess is written off) until the renewal is paid.</summary>
    private static EventActivityBinder<CustomerLifecycleState, T> SuspendOverage<T>(EventActivityBinder<CustomerLifecycleState, T> binder) where T : class =>
        binder.If(c => !c.Saga.OverageSuspended, suspend => suspend
            .Then(c =>
            {
                c.Saga.OverageSuspended = true;
                c.Saga.LastError = "the renewal is unpaid: overage is stopped until it is paid";
                c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
            })
            .Publish(c => new SetOverageSuspended { CorrelationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, Suspended = true }));

    /// <summary>The overdue renewal is paid: the grace stops and overage resumes if it was stopped.</summary>
    private EventActivityBinder<CustomerLifecycleState, T> RenewalPaid<T>(EventActivityBinder<CustomerLifecycleState, T> binder) where T : class =>
        binder
            .Unschedule(RenewalGrace)
            .Then(c => { c.Saga.RenewalUnpaidSince = null; ClearPastDue(c.Saga); })
            .If(c => c.Saga.OverageSuspended, suspended => suspended
                .Then(c => { c.Saga.OverageSuspended = false; c.Saga.LastError = null; })
                .Publish(c => new SetOverageSuspended { CorrelationId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, Suspended = false }));

    /// <summary>The saga of the customer a Stripe event names; none (<see cref="Guid.Empty"/>) when it names no one.</summary>
    internal static Guid ForNamedCustomer(string? customerId) => customerId is null ? Guid.Empty : SagaKeys.ForCustomer(customerId);

    /// <summary>
    /// The invoices the saga acts on: paid, one that opens a period; created or failed, a renewal. The definition drops
    /// the others before the saga's transaction with the same two predicates. An invoice.paid without a billing reason
    /// is taken as opening its period, as before the reason was translated.
    /// </summary>
    internal static bool OpensPeriod(StripeInvoicePaid m) => m.BillingReason is null || InvoiceBillingReasons.OpensPeriod(m.BillingReason);

    internal static bool Renews(string? billingReason) => billingReason == InvoiceBillingReasons.SubscriptionCycle;

    /// <summary>
    /// A period's allowance. <paramref name="firstPeriod"/>: the registration's first, which also brings the plan's trial
    /// credits (once per customer: the ledger step keys them by the customer alone).
    /// </summary>
    private static StartAllowancePeriod Allowance(CustomerLifecycleState saga, string planId, DateTimeOffset start, DateTimeOffset end, bool firstPeriod = false) => new()
    {
        CorrelationId = saga.CorrelationId, CustomerId = saga.CustomerId, PlanId = planId, PeriodStart = start, PeriodEnd = end,
        FirstPeriod = firstPeriod,
    };

    private static CustomerRegistered Registered(CustomerLifecycleState saga) => new()
    {
        CorrelationId = saga.CorrelationId,
        CustomerId = saga.CustomerId,
        StripeCustomerId = saga.StripeCustomerId ?? "",
        SubscriptionId = saga.SubscriptionId ?? "",
        PlanId = saga.PlanId,
        SubscriptionStatus = saga.SubscriptionStatus ?? "",
    };

    private static CustomerRegistrationFailed RegistrationFailedEvent(CustomerLifecycleState saga, string step) => new()
    {
        CorrelationId = saga.CorrelationId, CustomerId = saga.CustomerId, Step = step, Reason = saga.LastError ?? "",
    };

    private static void ClearPastDue(CustomerLifecycleState saga)
    {
        saga.PastDueInvoiceId = null;
        saga.PastDueAmount = 0;
        saga.PastDueCurrency = null;
        saga.PastDueInvoiceUrl = null;
    }

    /// <summary>The operation holding the customer's one slot: a plan change or a cancellation (in flight or scheduled).</summary>
    private static Guid? SlotHolder(CustomerLifecycleState saga) => saga.PlanChangeOperationId ?? saga.CancellationOperationId;

    private static string? SlotRefusal(CustomerLifecycleState saga) =>
        saga.PlanChangeOperationId is not null ? "a plan change is in flight for this customer"
        : saga.CancellationOperationId is not null ? "a cancellation is in flight or scheduled for this customer"
        : null;

    private static string? Refusal(CustomerLifecycleState saga, ChangePlan m, IPlanCatalog catalog) =>
        saga.PlanChangeOperationId is not null ? "another plan change is in flight for this customer"
        : saga.CancellationOperationId is not null ? "a cancellation is in flight or scheduled for this customer; resume the subscription first"
        : catalog.Find(m.NewPlanId) is null ? $"there is no plan '{m.NewPlanId}'"
        : m.NewPlanId == saga.PlanId ? $"the customer is already on '{m.NewPlanId}'"
        : null;

    private static PlanChangeRejected Rejected(ChangePlan m, string reason, Guid? inFlight = null) => new()
    {
        OperationId = m.OperationId, CustomerId = m.CustomerId, NewPlanId = m.NewPlanId, InFlightOperationId = inFlight, Reason = reason,
    };

    private static BeginPlanChange Begin(CustomerLifecycleState saga, ChangePlan m, IPlanCatalog catalog) => new()
    {
        OperationId = m.OperationId,
        CustomerId = saga.CustomerId,
        StripeCustomerId = saga.StripeCustomerId ?? "",
        SubscriptionId = saga.SubscriptionId ?? "",
        FromPlan = catalog.Find(saga.PlanId)!,
        ToPlan = catalog.Find(m.NewPlanId)!,
        Items = SagaJson.Items(saga.Items),
        PeriodStart = saga.PeriodStart ?? DateTimeOffset.UtcNow,
        PeriodEnd = saga.PeriodEnd ?? DateTimeOffset.UtcNow,
    };

    private static CancellationRejected CancelRejected(Guid operationId, string customerId, string reason, Guid? inFlight = null) => new()
    {
        OperationId = operationId, CustomerId = customerId, InFlightOperationId = inFlight, Reason = reason,
    };

    /// <summary>The plan whose terms a customer keeps after the end: the catalog's default plan (the free one, Hobby, as shipped).</summary>
    private static string FreePlanId(IPlanCatalog catalog) => catalog.DefaultPlanId;

    private static BeginCancellation BeginEnd(CustomerLifecycleState saga, IPlanCatalog catalog, string mode, string requestedBy, string? reason) => new()
    {
        OperationId = saga.CancellationOperationId ?? Guid.Empty,
        CustomerId = saga.CustomerId,
        StripeCustomerId = saga.StripeCustomerId ?? "",
        SubscriptionId = saga.SubscriptionId ?? "",
        PlanId = saga.PlanId,
        FreePlanId = FreePlanId(catalog),
        PeriodStart = saga.PeriodStart ?? DateTimeOffset.UtcNow,
        PeriodEnd = saga.PeriodEnd ?? DateTimeOffset.UtcNow,
        Mode = mode,
        RequestedBy = requestedBy,
        Reason = reason,
    };

    private static string FirstMessage<T>(Fault<T> fault) => fault.Exceptions.FirstOrDefault()?.Message ?? "unknown error";

    public State CreatingStripeCustomer { get; private set; } = null!;
    public State CreatingSubscription { get; private set; } = null!;
    public State Active { get; private set; } = null!;
    public State RegistrationFailed { get; private set; } = null!;
    /// <summary>The subscription has ended (cancelled, or ended by Stripe): no more allowances; the account stays.</summary>
    public State Cancelled { get; private set; } = null!;

    public Event<RegisterCustomer> Register { get; private set; } = null!;
    public Event<StripeCustomerCreated> StripeCustomerCreated { get; private set; } = null!;
    public Event<Fault<CreateStripeCustomer>> StripeCustomerFaulted { get; private set; } = null!;
    public Event<SubscriptionCreated> SubscriptionCreated { get; private set; } = null!;
    public Event<Fault<CreateSubscription>> SubscriptionFaulted { get; private set; } = null!;
    public Event<SubscriptionNotStarted> SubscriptionNotStarted { get; private set; } = null!;
    public Event<StripeInvoicePaid> InvoicePaid { get; private set; } = null!;
    public Event<StripeInvoiceCreated> InvoiceCreated { get; private set; } = null!;
    public Event<StripeInvoicePaymentFailed> InvoicePaymentFailed { get; private set; } = null!;
    public Schedule<CustomerLifecycleState, RenewalGraceEnded> RenewalGrace { get; private set; } = null!;
    public Event<StripeSubscriptionUpdated> SubscriptionUpdated { get; private set; } = null!;
    public Event<ChangePlan> ChangePlan { get; private set; } = null!;
    public Event<PlanChanged> PlanChanged { get; private set; } = null!;
    public Event<PlanChangeFailed> PlanChangeFailed { get; private set; } = null!;
    public Event<CancelSubscription> CancelSubscription { get; private set; } = null!;
    public Event<ResumeSubscription> ResumeSubscription { get; private set; } = null!;
    public Event<SubscriptionCancellationScheduled> CancellationScheduled { get; private set; } = null!;
    public Event<SubscriptionResumed> SubscriptionResumed { get; private set; } = null!;
    public Event<SubscriptionCanceled> SubscriptionCanceled { get; private set; } = null!;
    public Event<CancellationFailed> CancellationFailed { get; private set; } = null!;
    public Event<CardSaved> CardSaved { get; private set; } = null!;
}
