using Credits.Billing;
using Credits.Billing.Audit;
using Credits.Ledger;
using Credits.Ledger.Usage;
using Credits.Messaging.Jobs;
using Credits.Orchestrator.AppMessages;
using Credits.Orchestrator.Audit;
using Credits.Orchestrator.Catalog;
using Credits.Orchestrator.Consumers;
using Credits.Orchestrator.Expiry;
using Credits.Orchestrator.Ledger;
using Credits.Orchestrator.Steps;
using Credits.Orchestrator.Steps.TopUps;
using Credits.Orchestrator.Usage;
using Credits.Orchestrator.Webhooks;
using Credits.Persistence;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Credits.ServiceDefaults;
using MassTransit;

namespace Credits.Orchestrator;

static class OrchestratorRegistration
{
    /// <summary>Consumers, sagas and background work of the Orchestrator, on the shared bus settings.</summary>
    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults("Credits.Orchestrator");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCreditsDbContext();
        builder.Services.AddCreditLedger<CreditsDbContext>(builder.Configuration);
        builder.Services.AddHostedService<RateCardStartup>();
        builder.Services.AddScoped<UsageIngestion>();
        builder.Services.AddStripeBilling(builder.Configuration);
        builder.Services.AddOverageMetering<CreditsDbContext>(builder.Configuration);
        builder.Services.AddMoneyAudit<CreditsDbContext>(builder.Configuration);
        // Before the bus (added last): the bus starts consuming once the Stripe price ids are known.
        builder.Services.AddCatalogStartup();
        builder.Services.AddSingleton<IPlanCatalog, ConfiguredPlanCatalog>();
        // Degraded, not unhealthy: usage ingestion works without Stripe; plan changes and top-ups wait for the prices.
        builder.Services.AddHealthChecks().AddCheck<PriceDirectoryHealthCheck>("stripe-prices", tags: [HealthEndpoints.Ready])
            // Degraded while a sweep, flush, audit or delivery run keeps failing or stops coming: the instance still serves.
            .AddCheck<PeriodicJobsHealthCheck>("periodic-jobs", tags: [HealthEndpoints.Ready]);
        builder.AddValidatedOptions<CheckoutOptions>(CheckoutOptions.Section);
        builder.Services.AddSingleton(builder.Configuration.GetSection("Sagas:PlanChange").Get<PlanChangeOptions>() ?? new PlanChangeOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Sagas:TopUp").Get<TopUpOptions>() ?? new TopUpOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Sagas:CardSetup").Get<CardSetupOptions>() ?? new CardSetupOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Sagas:Customer").Get<CustomerLifecycleOptions>() ?? new CustomerLifecycleOptions());
        builder.AddValidatedOptions<AutoTopUpOptions>(AutoTopUpOptions.Section);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AutoTopUpOptions>>().Value);

        builder.AddValidatedOptions<LedgerOptions>(LedgerOptions.Section);
        builder.Services.AddPeriodicJob<ExpirySweep>();
        builder.Services.AddPeriodicJob<LedgerArchiveJob>();
        builder.AddValidatedOptions<ExpiryWarningOptions>(ExpiryWarningOptions.Section);
        builder.Services.AddPeriodicJob<CreditsExpiringJob>();

        // Outgoing webhooks: the dispatch consumer writes deliveries, this worker posts them (docs/webhooks.md).
        builder.AddValidatedOptions<WebhookDeliveryOptions>(WebhookDeliveryOptions.Section);
        builder.Services.AddHttpClient(WebhookDeliveryWorker.HttpClientName, (sp, client) =>
                client.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookDeliveryOptions>>().Value.Timeout)
            // A receiver's redirect is its answer, not a new place to send signed events to.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        builder.Services.AddPeriodicJob<WebhookDeliveryWorker>();

        var stepRedelivery = builder.Configuration.GetSection(StepRedeliveryOptions.Section).Get<StepRedeliveryOptions>() ?? new StepRedeliveryOptions();
        builder.AddBus(x =>
        {
            // Outermost: a message an app got wrong is refused before any retry, transaction or saga sees it.
            x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.AddPrePipeSpecification(AppMessageCheck.Specification));
            // Then: its endpoint callback must wrap the immediate retries that AddCreditsMessaging adds.
            x.AddSagaStepRedelivery(stepRedelivery);
            x.AddCreditsMessaging();
            x.AddConsumer<RoundTripRequestedConsumer>();
            x.AddConsumer<RunMoneyAuditConsumer>();
            x.AddConsumer<WebhookDispatchConsumer>();
            x.AddConsumer<UsageRecordedConsumer>(typeof(UsageRecordedConsumerDefinition));
            x.AddConsumer<UsageBatchRecordedConsumer>(typeof(UsageBatchRecordedConsumerDefinition));
            x.AddCreditsSagas();
            x.AddSagaSteps();
        });
        return builder;
    }
}
