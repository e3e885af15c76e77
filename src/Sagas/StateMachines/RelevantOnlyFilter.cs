using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Lets through to a saga only the messages it could act on, judged from the message alone, and drops the rest before
/// the saga's transaction. A saga's queue gets every published message of the types it consumes, and many are another
/// saga's: every Stripe subscription update reaches the cancellation saga, which acts only on an end; every checkout
/// session and payment event reaches the top-up saga, the card setup saga and the plan change saga, and its metadata
/// names the one it belongs to. Each such message cost a transaction (the instance looked up under the saga's lock,
/// found missing or not concerned, the inbox row written) before it was discarded. What needs a lookup stays in the saga.
/// A dropped message is counted as consumed, so the transport does not move it to the skipped queue.
/// </summary>
sealed class RelevantOnlyFilter<TMessage>(Func<TMessage, bool> relevant, string reason) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next) =>
        relevant(context.Message) ? next.Send(context) : context.NotifyConsumed(context, TimeSpan.Zero, reason);

    public void Probe(ProbeContext context) => context.CreateFilterScope("relevantOnly");
}

static class RelevantOnlyFilterExtensions
{
    /// <summary>
    /// Called from a saga definition's <c>ConfigureSaga</c>: the filter is added to the message's pipe before the
    /// endpoint adds the outbox's filter, so a dropped message opens no transaction. The drop is reported to consume
    /// observers under "<c>saga state: reason</c>", one wording for every saga.
    /// </summary>
    public static void Only<TSaga, TMessage>(this ISagaConfigurator<TSaga> saga, Func<TMessage, bool> relevant, string reason)
        where TSaga : class, ISaga
        where TMessage : class =>
        saga.Message<TMessage>(m => m.UseFilter(new RelevantOnlyFilter<TMessage>(relevant, $"{typeof(TSaga).Name}: {reason}")));
}
