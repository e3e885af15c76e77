using Credits.Contracts.Billing;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Lets only a subscription's end (<see cref="SubscriptionEnd"/>) through to the cancellation saga, before
/// its transaction. Every Stripe update of every subscription reaches the saga's queue, and the saga ignores all but the
/// end; yet each one cost a transaction (the instance looked up by subscription id, the inbox row written) before it was
/// found to change nothing. In `sagas --customers 200` the saga's queue gets 820 of the Orchestrator's 8,900 messages,
/// most of them such updates; dropped here, the run commits about 5 % fewer transactions (docs/BENCHMARKS.md, "Issue 16,
/// seventeenth session"). A dropped update is counted as consumed, so the transport does not move it to the skipped queue.
/// </summary>
sealed class SubscriptionEndFilter : IFilter<ConsumeContext<StripeSubscriptionUpdated>>
{
    public Task Send(ConsumeContext<StripeSubscriptionUpdated> context, IPipe<ConsumeContext<StripeSubscriptionUpdated>> next) =>
        SubscriptionEnd.Is(context.Message)
            ? next.Send(context)
            : context.NotifyConsumed(context, TimeSpan.Zero, "cancellation: not the subscription's end");

    public void Probe(ProbeContext context) => context.CreateFilterScope("subscriptionEnd");
}
