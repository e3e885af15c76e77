using Credits.Orchestrator.Steps.Customers;
using Credits.Orchestrator.Steps.PlanChanges;
using Credits.Orchestrator.Steps.TopUps;
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
        x.AddConsumer<ReportFinalOverageConsumer>();
        x.AddConsumer<GrantPlanChangeCreditsConsumer>();
        x.AddConsumer<CreateCheckoutSessionConsumer>();
        x.AddConsumer<ChargeSavedCardConsumer>();
        x.AddConsumer<GrantPurchasedCreditsConsumer>();
        x.AddConsumer<ReverseUnspentCreditsConsumer>();
        x.AddConsumer<ExpireCheckoutSessionConsumer>();
        x.AddConsumer<FreezeDisputedCreditsConsumer>();
        x.AddConsumer<RestoreDisputedCreditsConsumer>();
        return x;
    }
}
