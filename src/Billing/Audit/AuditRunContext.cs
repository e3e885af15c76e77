namespace Credits.Billing.Audit;

/// <summary>What a check gets from the run: the window, the clock's now, and where to report.</summary>
public sealed class AuditRunContext(Guid runId, AuditWindow window, DateTimeOffset now)
{
    readonly List<AuditFinding> findings = [];

    public Guid RunId { get; } = runId;
    public AuditWindow Window { get; } = window;
    public DateTimeOffset Now { get; } = now;
    public IReadOnlyList<AuditFinding> Findings => findings;

    public void Report(AuditFinding finding)
    {
        lock (findings) findings.Add(finding);
    }
}
