using Credits.Contracts.Billing;
using Credits.Contracts.TopUps;
using Credits.Messaging;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Purchases run concurrently; one purchase's messages one at a time in each host (partitioned by purchase) and across
/// hosts by the saga's row lock. Stripe's checkout and payment
/// events reach the saga's transaction only when their metadata names a purchase: the others are card setups' sessions
/// and the payments of subscription invoices, which the saga would look up in vain (<see cref="RelevantOnlyFilter{TMessage}"/>).
/// </summary>
public sealed class TopUpStateMachineDefinition : SagaDefinition<TopUpState>
{
    private const string NotAPurchase = "names no purchase";

    private const int ConcurrencyLimit = 16;

    public TopUpStateMachineDefinition() => ConcurrentMessageLimit = ConcurrencyLimit;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<TopUpState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000).Ignore<InvalidMessageException>());
        // Stripe sends a checkout's completion and its payment's success together, and a saved card's answer meets its
        // payment's event: partitioned by purchase, the second waits in this host instead of on the saga's row lock,
        // holding a connection and a transaction (docs/BENCHMARKS.md, twenty-eighth session). Refunds and disputes name
        // the payment, not the purchase, and keep to the row lock.
        var partition = endpointConfigurator.CreatePartitioner(ConcurrencyLimit);
        sagaConfigurator.Message<PurchaseCredits>(m => m.UsePartitioner(partition, c => c.Message.PurchaseId));
        sagaConfigurator.Message<CheckoutSessionCreated>(m => m.UsePartitioner(partition, c => c.Message.PurchaseId));
        sagaConfigurator.Message<SavedCardCharged>(m => m.UsePartitioner(partition, c => c.Message.PurchaseId));
        sagaConfigurator.Message<PaymentDeclined>(m => m.UsePartitioner(partition, c => c.Message.PurchaseId));
        sagaConfigurator.Message<PurchasedCreditsGranted>(m => m.UsePartitioner(partition, c => c.Message.PurchaseId));
        ByPurchaseInMetadata<StripeCheckoutSessionCompleted>(m => m.Metadata);
        ByPurchaseInMetadata<StripeCheckoutSessionExpired>(m => m.Metadata);
        ByPurchaseInMetadata<StripePaymentSucceeded>(m => m.Metadata);
        ByPurchaseInMetadata<StripePaymentFailed>(m => m.Metadata);

        // Stripe's event reaches the saga only when its metadata names a purchase, then partitioned by that purchase:
        // after the filter, so an event naming no purchase never queues in a partition.
        void ByPurchaseInMetadata<T>(Func<T, IReadOnlyDictionary<string, string>> metadata) where T : class
        {
            sagaConfigurator.Only<TopUpState, T>(m => NamesPurchase(metadata(m)), NotAPurchase);
            sagaConfigurator.Message<T>(m => m.UsePartitioner(partition, c => TopUpStateMachine.PurchaseOf(metadata(c.Message))));
        }
    }

    static bool NamesPurchase(IReadOnlyDictionary<string, string> metadata) => PurchaseKeys.PurchaseOf(metadata) is not null;
}
