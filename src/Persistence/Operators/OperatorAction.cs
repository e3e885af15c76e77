namespace Credits.Persistence.Operators;

/// <summary>
/// One thing an operator did (granted or revoked credits, redrove dead letters, retried a saga step, resolved an
/// audit difference, ran the audit): append-only, never updated or deleted (a trigger refuses both), so the log is
/// evidence. Written in the same transaction as the action where the action is a database write.
/// </summary>
public class OperatorAction
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>Who: the operator's name as given, and the API key that made the call ("alice via console-key").</summary>
    public string Actor { get; set; } = "";
    /// <summary><see cref="OperatorActionKinds"/>.</summary>
    public string Action { get; set; } = "";
    public string? CustomerId { get; set; }
    /// <summary>What it acted on: a grant key, a queue and message id, a saga id, an audit difference id.</summary>
    public string? Subject { get; set; }
    /// <summary>Why, in the operator's words (required).</summary>
    public string Reason { get; set; } = "";
    /// <summary>The request and its outcome as JSON (amounts, categories, ledger entry ids, messages moved).</summary>
    public string Details { get; set; } = "{}";
}
