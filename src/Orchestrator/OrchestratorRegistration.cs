using Credits.Billing;
using Credits.Ledger;
using Credits.Ledger.Usage;
using Credits.Orchestrator.Consumers;
using Credits.Orchestrator.Ledger;
using Credits.Orchestrator.Usage;
using Credits.Persistence;
using Credits.ServiceDefaults;

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
        builder.Services.AddScoped<UsageIngestion>();
        builder.Services.AddStripeBilling(builder.Configuration);
        builder.Services.AddOverageMetering<CreditsDbContext>(builder.Configuration);
        builder.Services.AddBillingReconciliation<CreditsDbContext>(builder.Configuration);
        builder.Services.AddCatalogSyncOnStart();

        builder.AddValidatedOptions<LedgerOptions>(LedgerOptions.Section);
        builder.Services.AddHostedService<ExpirySweep>();

        builder.AddBus(x =>
        {
            x.AddCreditsMessaging();
            x.AddConsumer<RoundTripRequestedConsumer>();
            x.AddConsumer<UsageRecordedConsumer>(typeof(UsageRecordedConsumerDefinition));
            x.AddConsumer<UsageBatchRecordedConsumer>();
        });
        return builder;
    }
}
