using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>Purchases run concurrently; the saga row lock serialises the messages of one purchase.</summary>
public sealed class TopUpStateMachineDefinition : SagaDefinition<TopUpState>
{
    public TopUpStateMachineDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<TopUpState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
}
