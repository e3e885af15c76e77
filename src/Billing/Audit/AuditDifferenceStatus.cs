namespace Credits.Billing.Audit;

/// <summary>The life of an <see cref="AuditDifference"/>.</summary>
public static class AuditDifferenceStatus
{
    /// <summary>Found, no safe repair: waits for an operator.</summary>
    public const string Open = "open";

    /// <summary>The automatic repair ran once and succeeded; the next run should find nothing.</summary>
    public const string Repaired = "repaired";

    /// <summary>The automatic repair ran and failed: an operator must look (it is never retried on its own).</summary>
    public const string RepairFailed = "repair_failed";

    /// <summary>An operator resolved it (with a reason in the operator action log).</summary>
    public const string Resolved = "resolved";

    /// <summary>A later run covering it no longer found it (fixed behind the audit's back, or a late webhook caught up).</summary>
    public const string Cleared = "cleared";

    public static readonly IReadOnlyList<string> All = [Open, Repaired, RepairFailed, Resolved, Cleared];

    /// <summary>States in which the difference still needs someone.</summary>
    public static bool NeedsOperator(string status) => status is Open or RepairFailed;
}
