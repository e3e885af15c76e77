using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Messages of one operation are handled one at a time (partitioned by correlation id) so the pessimistic
/// row lock is rarely contended; different operations run concurrently. Checkout's events reach the saga's transaction
/// only when their metadata names a card setup (an upgrade waiting for a card is one): a purchase's session is the
/// top-up saga's (<see cref="RelevantOnlyFilter{TMessage}"/>). Likewise a card saved by a card setup or a top-up, the
/// ledger steps' answers to a cancellation (<see cref="SagaKind"/>), and the invoices that open a period.
/// </summary>
public sealed class PlanChangeStateMachineDefinition : SagaDefinition<PlanChangeState>
{
    private const int ConcurrencyLimit = 16;
    private const string OpensAPeriod = "the invoice opens a period, so it is no upgrade's proration";

    public PlanChangeStateMachineDefinition() => ConcurrentMessageLimit = ConcurrencyLimit;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<PlanChangeState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        var partition = endpointConfigurator.CreatePartitioner(ConcurrencyLimit);
        sagaConfigurator.Message<Contracts.PlanChanges.BeginPlanChange>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.PlanChanges.SubscriptionItemsUpdated>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.PlanChanges.SubscriptionItemsRestored>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.PlanChanges.FinalOverageReported>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Message<Contracts.PlanChanges.PlanChangeCreditsGranted>(m => m.UsePartitioner(partition, c => c.Message.OperationId));
        sagaConfigurator.Only<PlanChangeState, StripeCheckoutSessionCompleted>(m => CardSetupMetadata.Names(m.Metadata), CardSetupMetadata.NotACardSetup);
        sagaConfigurator.Only<PlanChangeState, StripeCheckoutSessionExpired>(m => CardSetupMetadata.Names(m.Metadata), CardSetupMetadata.NotACardSetup);
        sagaConfigurator.Only<PlanChangeState, CardSaved>(m => SagaKind.MayBe(m.Source, PlanChangeStateMachine.SagaName), SagaKind.CardSavedByAnother);
        sagaConfigurator.OnlyLedgerAnswersTo(PlanChangeStateMachine.SagaName);
        // The upgrade's invoice is a proration (subscription_update); a subscription's first invoice and its renewals never are.
        sagaConfigurator.Only<PlanChangeState, StripeInvoicePaid>(m => !InvoiceBillingReasons.OpensPeriod(m.BillingReason), OpensAPeriod);
        sagaConfigurator.Only<PlanChangeState, StripeInvoicePaymentFailed>(m => !InvoiceBillingReasons.OpensPeriod(m.BillingReason), OpensAPeriod);
    }
}
