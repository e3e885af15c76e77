using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Card setups run concurrently; the saga row lock serialises the messages of one setup. Checkout's events reach the
/// saga's transaction only when their metadata names a card setup (<see cref="CardSetupMetadata"/>): a purchase's
/// session is the top-up saga's (<see cref="RelevantOnlyFilter{TMessage}"/>); likewise a card saved by a plan change or a
/// top-up (<see cref="SagaKind"/>).
/// </summary>
public sealed class CardSetupStateMachineDefinition : SagaDefinition<CardSetupState>
{
    public CardSetupStateMachineDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<CardSetupState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        sagaConfigurator.Only<CardSetupState, StripeCheckoutSessionCompleted>(m => CardSetupMetadata.Names(m.Metadata), CardSetupMetadata.NotACardSetup);
        sagaConfigurator.Only<CardSetupState, StripeCheckoutSessionExpired>(m => CardSetupMetadata.Names(m.Metadata), CardSetupMetadata.NotACardSetup);
        sagaConfigurator.Only<CardSetupState, CardSaved>(m => SagaKind.MayBe(m.Source, CardSetupStateMachine.SagaName), SagaKind.CardSavedByAnother);
    }
}
