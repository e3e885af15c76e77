using Credits.Billing.StripeAdapter;
using Credits.Messaging;
using Credits.Orchestrator.Steps.Cards;
using Credits.Orchestrator.Steps.Cancellations;
using Credits.Orchestrator.Steps.Customers;
using Credits.Orchestrator.Steps.PlanChanges;
using Credits.Orchestrator.Steps.TopUps;
using Credits.Persistence;
using MassTransit;

namespace Credits.Orchestrator.Steps;

static class SagaStepsRegistration
{
    /// <summary>
    /// The consumers that carry out the sagas' commands (Stripe calls and ledger writes), one queue each, so a
    /// slow Stripe step never holds up the ledger steps. Each runs in the endpoint's inbox/outbox transaction.
    /// </summary>
    public static IBusRegistrationConfigurator AddSagaSteps(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<CreateStripeCustomerConsumer>();
        x.AddConsumer<CreateSubscriptionConsumer>();
        x.AddConsumer<StartAllowancePeriodConsumer>();
        x.AddConsumer<SetOverageSuspendedConsumer>();
        x.AddConsumer<SetCustomerLowBalanceThresholdConsumer>();
        x.AddConsumer<UpdateSubscriptionItemsConsumer>();
        x.AddConsumer<RestoreSubscriptionItemsConsumer>();
        x.AddConsumer<ReadSubscriptionStateConsumer>();
        x.AddConsumer<ReportFinalOverageConsumer>();
        x.AddConsumer<GrantPlanChangeCreditsConsumer>();
        x.AddConsumer<CreateCheckoutSessionConsumer>();
        x.AddConsumer<ChargeSavedCardConsumer>();
        x.AddConsumer<GrantPurchasedCreditsConsumer>();
        x.AddConsumer<ReverseUnspentCreditsConsumer>();
        x.AddConsumer<ExpireCheckoutSessionConsumer>();
        x.AddConsumer<FreezeDisputedCreditsConsumer>();
        x.AddConsumer<RestoreDisputedCreditsConsumer>();
        x.AddConsumer<CreateCardSetupSessionConsumer>();
        x.AddConsumer<SaveDefaultCardConsumer>();
        x.AddConsumer<CheckCardOnFileConsumer>();
        // Cancellation and dunning (docs/lifecycle/cancel-and-dunning.md).
        x.AddConsumer<SetCancelAtPeriodEndConsumer>();
        x.AddConsumer<CancelSubscriptionNowConsumer>();
        x.AddConsumer<EndSubscriptionCreditsConsumer>();
        x.AddConsumer<PayOpenInvoiceConsumer>();
        return x;
    }

    /// <summary>
    /// The steps redelivered later when their immediate retries are exhausted (a database or Stripe outage outlasts
    /// seconds). Every step but the subscription update: that write may have been applied when it failed (a 5xx that
    /// Stripe replays for the same idempotency key), so its fault goes at once to the saga, which reads Stripe's state
    /// (<see cref="ReadSubscriptionStateConsumer"/>, itself redelivered) instead of repeating a request in doubt.
    /// </summary>
    static readonly string[] RedeliveredSteps =
    [
        Endpoint<CreateStripeCustomerConsumer>(), Endpoint<CreateSubscriptionConsumer>(), Endpoint<StartAllowancePeriodConsumer>(),
        Endpoint<RestoreSubscriptionItemsConsumer>(), Endpoint<ReadSubscriptionStateConsumer>(), Endpoint<ReportFinalOverageConsumer>(),
        Endpoint<GrantPlanChangeCreditsConsumer>(), Endpoint<CreateCheckoutSessionConsumer>(), Endpoint<ChargeSavedCardConsumer>(),
        Endpoint<GrantPurchasedCreditsConsumer>(), Endpoint<ReverseUnspentCreditsConsumer>(),
        Endpoint<CreateCardSetupSessionConsumer>(), Endpoint<SaveDefaultCardConsumer>(), Endpoint<CheckCardOnFileConsumer>(),
        Endpoint<SetCancelAtPeriodEndConsumer>(), Endpoint<EndSubscriptionCreditsConsumer>(),
    ];

    /// <summary>
    /// Scheduled redelivery of the saga steps (<see cref="StepRedeliveryOptions"/>), on the PostgreSQL scheduler (no
    /// delayed-exchange plugin). Must be added BEFORE the shared messaging set-up (AddCreditsMessaging): endpoint
    /// callbacks run in the order they were added, and redelivery has to wrap the immediate retries, not sit inside them.
    /// Failures that another attempt cannot cure (a ledger refusal, a Stripe 4xx) are not redelivered: they fault at once.
    /// The redelivered copy has a new message id, so the inbox does not take it for a duplicate.
    /// </summary>
    public static IBusRegistrationConfigurator AddSagaStepRedelivery(this IBusRegistrationConfigurator x, StepRedeliveryOptions options)
    {
        x.AddConfigureEndpointsCallback((context, name, endpoint) =>
        {
            if (!RedeliveredSteps.Contains(name)) return;
            // The redelivery filter schedules through the consume context's MessageSchedulerContext: the PostgreSQL one.
            endpoint.UsePostgresMessageScheduler<CreditsDbContext>(context);
            endpoint.UseScheduledRedelivery(r =>
            {
                r.Intervals(options.Schedule);
                r.Ignore<LedgerStepFailedException>();
                r.Ignore<StripeCallFailedException>(e => !e.Failure.Transient);
            });
        });
        return x;
    }

    static string Endpoint<T>() where T : class, IConsumer => KebabCaseEndpointNameFormatter.Instance.Consumer<T>();
}
