namespace Credits.Contracts.Usage;

/// <summary>
/// Many usage events in one message, applied to the ledger in one transaction (which the batches waiting at the same
/// moment share, up to four): each event is applied, acknowledged as a duplicate or rejected on its own, never half-written.
/// </summary>
public record UsageBatchRecorded
{
    public Guid BatchId { get; init; }
    public IReadOnlyList<UsageRecorded> Events { get; init; } = [];
}
