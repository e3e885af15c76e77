namespace Credits.Billing.Audit;

/// <summary>One run of the money audit: scheduled, from the command line, or asked for on the console.</summary>
public class AuditRun
{
    public Guid Id { get; set; }
    /// <summary>"schedule", "cli", or the operator who pressed the console's button.</summary>
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    /// <summary>queued, running, completed, skipped (another instance was running one), failed.</summary>
    public string Status { get; set; } = AuditRunStatus.Queued;
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Differences seen by this run (new and already stored), new ones, and those repaired by it.</summary>
    public int Found { get; set; }
    public int New { get; set; }
    public int Repaired { get; set; }
    public int Cleared { get; set; }
    /// <summary>Checks that could not run (Stripe unreachable...), with why; the others still ran.</summary>
    public string? Error { get; set; }
}

public static class AuditRunStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}
