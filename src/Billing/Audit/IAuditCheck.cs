namespace Credits.Billing.Audit;

/// <summary>
/// One comparison of Credits' books with Stripe's for a window (docs/audit.md lists them). A check reads, and reports
/// what disagrees through <see cref="AuditRunContext.Report"/>; it writes nothing itself: repairs go in the finding.
/// </summary>
public interface IAuditCheck
{
    /// <summary>Short name for logs and the run's summary, e.g. "purchases".</summary>
    string Name { get; }

    /// <summary>Every kind this check may report: a stored difference of one of these kinds, in the window and not found again, is cleared.</summary>
    IReadOnlyList<string> Kinds { get; }

    Task RunAsync(AuditRunContext run, CancellationToken ct);
}
