using Credits.Contracts.Billing;
using Credits.Contracts.TopUps;
using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Purchases run concurrently; the saga row lock serialises the messages of one purchase. Stripe's checkout and payment
/// events reach the saga's transaction only when their metadata names a purchase: the others are card setups' sessions
/// and the payments of subscription invoices, which the saga would look up in vain (<see cref="RelevantOnlyFilter{TMessage}"/>).
/// </summary>
public sealed class TopUpStateMachineDefinition : SagaDefinition<TopUpState>
{
    private const string NotAPurchase = "names no purchase";

    public TopUpStateMachineDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<TopUpState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        sagaConfigurator.Only<TopUpState, StripeCheckoutSessionCompleted>(m => NamesPurchase(m.Metadata), NotAPurchase);
        sagaConfigurator.Only<TopUpState, StripeCheckoutSessionExpired>(m => NamesPurchase(m.Metadata), NotAPurchase);
        sagaConfigurator.Only<TopUpState, StripePaymentSucceeded>(m => NamesPurchase(m.Metadata), NotAPurchase);
        sagaConfigurator.Only<TopUpState, StripePaymentFailed>(m => NamesPurchase(m.Metadata), NotAPurchase);
    }

    static bool NamesPurchase(IReadOnlyDictionary<string, string> metadata) => PurchaseKeys.PurchaseOf(metadata) is not null;
}
