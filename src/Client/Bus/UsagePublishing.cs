using Credits.Contracts.Usage;
using MassTransit;

namespace Credits.Client;

/// <summary>
/// For producers that report usage on the bus (MassTransit on RabbitMQ) rather than over HTTP: throughput without
/// a round trip per event, and usage kept in RabbitMQ while Credits is down.
/// </summary>
public static class UsagePublishing
{
    /// <summary>
    /// Publishes <paramref name="usage"/> as <see cref="UsageRecorded"/>, after the checks a producer can make alone
    /// (an event id and a customer id; credits or a quantity with its unit and feature, not both).
    /// <para>
    /// Its MessageId is <see cref="UsageMessageIds.For"/>(customer, event): a producer that publishes the same event
    /// again (a retry after a lost confirm, a replay) publishes the same message, so the Orchestrator's inbox and
    /// anything tracing messages see one message; the ledger ignores a repeated (customer, event id) in any case.
    /// </para>
    /// <para>
    /// Delivery stays persistent (MassTransit's default, not changed here): usage is money, and a transient message
    /// would be lost with the broker's restart after the publish returned, when the producer no longer holds it.
    /// </para>
    /// </summary>
    public static Task RecordUsage(this IPublishEndpoint publish, UsageRecorded usage, CancellationToken ct = default)
    {
        if (Problem(usage) is { } problem) throw new ArgumentException(problem, nameof(usage));
        var messageId = UsageMessageIds.For(usage.CustomerId, usage.EventId);
        return publish.Publish(usage, context => context.MessageId = messageId, ct);
    }

    static string? Problem(UsageRecorded usage) =>
        string.IsNullOrWhiteSpace(usage.EventId) ? "eventId is required: it makes a retried event a duplicate, not a second debit."
        : string.IsNullOrWhiteSpace(usage.CustomerId) ? "customerId is required."
        : usage.Quantity is null ? (usage.Credits > 0 ? null : "credits must be positive (or give a quantity of a unit).")
        : usage.Credits != 0 ? "give credits or a quantity, not both."
        : string.IsNullOrWhiteSpace(usage.Unit) || string.IsNullOrWhiteSpace(usage.Feature) ? "a quantity needs its unit and feature."
        : null;
}
