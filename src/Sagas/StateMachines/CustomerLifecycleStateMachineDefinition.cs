using Credits.Contracts.Billing;
using Credits.Messaging;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One message per customer at a time (partitioned by the customer's saga id, Stripe's events by the customer they
/// name); customers run concurrently. Of Stripe's subscription and invoice events only those that name a customer reach
/// the saga's transaction, and of the invoice events only those the saga acts on: a paid invoice that opens a period, a
/// renewal created or failed. An upgrade's proration invoice is the plan change saga's
/// (<see cref="RelevantOnlyFilter{TMessage}"/>).
/// </summary>
public sealed class CustomerLifecycleStateMachineDefinition : SagaDefinition<CustomerLifecycleState>
{
    private const int ConcurrencyLimit = 16;
    private const string NoRenewal = "the invoice is no renewal";
    private const string NamesNoCustomer = "the event names no customer Credits knows";

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
        sagaConfigurator.Only<CustomerLifecycleState, StripeInvoicePaid>(CustomerLifecycleStateMachine.OpensPeriod, "the invoice opens no period");
        sagaConfigurator.Only<CustomerLifecycleState, StripeInvoiceCreated>(m => CustomerLifecycleStateMachine.Renews(m.BillingReason), NoRenewal);
        sagaConfigurator.Only<CustomerLifecycleState, StripeInvoicePaymentFailed>(m => CustomerLifecycleStateMachine.Renews(m.BillingReason), NoRenewal);
        ByNamedCustomer<StripeSubscriptionUpdated>(m => m.CustomerId);
        ByNamedCustomer<StripeInvoicePaid>(m => m.CustomerId);
        ByNamedCustomer<StripeInvoiceCreated>(m => m.CustomerId);
        ByNamedCustomer<StripeInvoicePaymentFailed>(m => m.CustomerId);

        // A Stripe event that names no customer is dropped; the rest are partitioned by the customer they name, after
        // every filter, so a dropped event never queues in a partition.
        void ByNamedCustomer<T>(Func<T, string?> customerId) where T : class
        {
            sagaConfigurator.Only<CustomerLifecycleState, T>(m => customerId(m) is not null, NamesNoCustomer);
            sagaConfigurator.Message<T>(m => m.UsePartitioner(partition, c => CustomerLifecycleStateMachine.ForNamedCustomer(customerId(c.Message))));
        }
    }
}
