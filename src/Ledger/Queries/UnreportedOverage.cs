using System.Globalization;

namespace Credits.Ledger.Queries;

/// <summary>
/// Overage of one customer and period not yet reported for billing, up to entry
/// <see cref="LastEntryId"/>. Report it (e.g. a Stripe meter event whose identifier is
/// <see cref="ReportKey"/>), then call MarkOverageReportedAsync with this record.
/// </summary>
public sealed record UnreportedOverage(string CustomerId, DateTimeOffset PeriodStart, long Quantity, long LastEntryId)
{
    /// <summary>Deterministic: the same unreported overage always gets the same key, so retries are safe on both sides.</summary>
    public string ReportKey => string.Create(CultureInfo.InvariantCulture, $"overage:{CustomerId}:{PeriodStart.UtcTicks}:{LastEntryId}");
}
