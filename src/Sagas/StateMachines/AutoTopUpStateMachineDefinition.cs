using Credits.Messaging;
using Credits.Contracts.Customers;
using Credits.Contracts.Ledger;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Low-balance events of one customer are handled one at a time (partitioned by customer), so a burst of them
/// cannot race past the "purchase in flight" check. Auto top-up buys on the saved card only, so the end of a purchase
/// made through Checkout never reaches the saga's transaction (<see cref="RelevantOnlyFilter{TMessage}"/>); an end that
/// does not say how it was paid (published before <see cref="CreditsPurchased.SavedCard"/>) goes through.
/// </summary>
public sealed class AutoTopUpStateMachineDefinition : SagaDefinition<AutoTopUpState>
{
    private const int ConcurrencyLimit = 16;
    private const string NotOnTheSavedCard = "the purchase did not charge the saved card";

    public AutoTopUpStateMachineDefinition() => ConcurrentMessageLimit = ConcurrencyLimit;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<AutoTopUpState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        var partition = endpointConfigurator.CreatePartitioner(ConcurrencyLimit);
        sagaConfigurator.Message<CreditBalanceLow>(m => m.UsePartitioner(partition, c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)));
        sagaConfigurator.Message<CreditsExhausted>(m => m.UsePartitioner(partition, c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)));
        sagaConfigurator.Message<ConfigureAutoTopUp>(m => m.UsePartitioner(partition, c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)));
        sagaConfigurator.Message<CardSaved>(m => m.UsePartitioner(partition, c => SagaKeys.ForAutoTopUp(c.Message.CustomerId)));
        sagaConfigurator.Only<AutoTopUpState, CreditsPurchased>(m => m.SavedCard != false, NotOnTheSavedCard);
        sagaConfigurator.Only<AutoTopUpState, PurchaseCancelled>(m => m.SavedCard != false, NotOnTheSavedCard);
    }
}
