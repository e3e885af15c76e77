namespace Credits.Persistence.Operations;

/// <summary>
/// A plan change or top-up the Gateway accepted, written in the same transaction as the command it published,
/// so GET /v1/operations/{id} can answer "accepted" before the saga has a row, and so a repeated
/// Idempotency-Key finds the first request instead of publishing again (the operation id is the key).
/// </summary>
public class OperationRequest
{
    public Guid OperationId { get; set; }
    /// <summary><see cref="OperationKinds.PlanChange"/> or <see cref="OperationKinds.TopUp"/>.</summary>
    public string Kind { get; set; } = "";
    public string CustomerId { get; set; } = "";
    /// <summary>The client's Idempotency-Key, when it sent one.</summary>
    public string? IdempotencyKey { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    /// <summary>What was asked for (JSON), to tell a repeat from a reused key with other content.</summary>
    public string Request { get; set; } = "";
}
