using Credits.Messaging;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>One message per customer at a time (partitioned by the customer's saga id); customers run concurrently.</summary>
public sealed class CustomerLifecycleStateMachineDefinition : SagaDefinition<CustomerLifecycleState>
{
    private const int ConcurrencyLimit = 16;

    public CustomerLifecycleStateMachineDefinition() => ConcurrentMessageLimit = ConcurrencyLimit;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<CustomerLifecycleState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        var partition = endpointConfigurator.CreatePartitioner(ConcurrencyLimit);
        sagaConfigurator.Message<RegisterCustomer>(m => m.UsePartitioner(partition, c => SagaKeys.ForCustomer(c.Message.CustomerId)));
        sagaConfigurator.Message<ChangePlan>(m => m.UsePartitioner(partition, c => SagaKeys.ForCustomer(c.Message.CustomerId)));
        sagaConfigurator.Message<PlanChanged>(m => m.UsePartitioner(partition, c => SagaKeys.ForCustomer(c.Message.CustomerId)));
        sagaConfigurator.Message<PlanChangeFailed>(m => m.UsePartitioner(partition, c => SagaKeys.ForCustomer(c.Message.CustomerId)));
    }
}
