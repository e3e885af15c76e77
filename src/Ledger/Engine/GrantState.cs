using Credits.Ledger.Model;

namespace Credits.Ledger.Engine;

sealed class GrantState
{
    public required Guid Id { get; init; }
    public required GrantSource Source { get; init; }
    public required long Amount { get; init; }
    public required long Remaining { get; set; }
    public required int Priority { get; init; }
    public required DateTimeOffset EffectiveAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? PeriodStart { get; init; }
    public required string IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Load order (created_at, id), then creation order in this transaction: breaks ties in "oldest first".</summary>
    public required int Ordinal { get; init; }
    public bool IsNew { get; init; }
    public bool Changed { get; set; }

}
