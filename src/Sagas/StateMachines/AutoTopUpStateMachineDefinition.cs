using Credits.Messaging;
using Credits.Contracts.Customers;
using Credits.Contracts.Ledger;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Low-balance events of one customer are handled one at a time (partitioned by customer), so a burst of them
/// cannot race past the "purchase in flight" check.
/// </summary>
public sealed class AutoTopUpStateMachineDefinition : SagaDefinition<AutoTopUpState>
{
    private const int ConcurrencyLimit = 16;

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
    }
}
