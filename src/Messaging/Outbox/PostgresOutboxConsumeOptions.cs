using MassTransit.Middleware;

namespace Credits.Messaging.Outbox;

/// <summary>MassTransit's outbox options of one consumer or saga and message type, with where its inbox is claimed.</summary>
sealed class PostgresOutboxConsumeOptions : OutboxConsumeOptions
{
    /// <summary>
    /// The inbox row goes into the consumer's last save (a saga, or a consumer marked
    /// <see cref="ClaimsInboxOnCommitAttribute"/>), not into a statement of its own before the consumer runs.
    /// </summary>
    public bool ClaimOnCommit { get; init; }
}
