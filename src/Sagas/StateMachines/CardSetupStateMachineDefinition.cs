using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>Card setups run concurrently; the saga row lock serialises the messages of one setup.</summary>
public sealed class CardSetupStateMachineDefinition : SagaDefinition<CardSetupState>
{
    public CardSetupStateMachineDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<CardSetupState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
}
