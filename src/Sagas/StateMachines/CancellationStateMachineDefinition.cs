using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Messages of one cancellation are handled one at a time (partitioned by operation id); cancellations run concurrently.
/// Of Stripe's subscription updates only an end reaches the saga's transaction (<see cref="RelevantOnlyFilter{TMessage}"/>),
/// and of the ledger steps' answers only those to a cancellation (<see cref="SagaKind"/>): a plan change asks the same steps.
/// </summary>
public sealed class CancellationStateMachineDefinition : SagaDefinition<CancellationState>
{
    private const int ConcurrencyLimit = 16;

    public CancellationStateMachineDefinition() => ConcurrentMessageLimit = ConcurrencyLimit;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<CancellationState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        var partition = endpointConfigurator.CreatePartitioner(ConcurrencyLimit);
        sagaConfigurator.Message<Contracts.Customers.BeginCancellation>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.Customers.CancelAtPeriodEndSet>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.Customers.ResumeCancellation>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.PlanChanges.FinalOverageReported>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.PlanChanges.PlanChangeCreditsGranted>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.Customers.SubscriptionCreditsEnded>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.OnlyLedgerAnswersTo(CancellationStateMachine.SagaName);
        sagaConfigurator.Only<CancellationState, Contracts.Billing.StripeSubscriptionUpdated>(SubscriptionEnd.Is, "not the subscription's end");
    }
}
