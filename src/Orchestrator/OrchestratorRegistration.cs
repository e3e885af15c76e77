using Credits.Orchestrator.Consumers;
using Credits.Persistence;
using Credits.ServiceDefaults;

namespace Credits.Orchestrator;

static class OrchestratorRegistration
{
    /// <summary>Consumers and sagas of the Orchestrator, on the shared bus settings.</summary>
    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults("Credits.Orchestrator");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCreditsDbContext();
        builder.AddBus(x =>
        {
            x.AddConsumer<RoundTripRequestedConsumer>();
        });
        return builder;
    }
}
