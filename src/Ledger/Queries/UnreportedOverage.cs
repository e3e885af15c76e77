using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Credits.Ledger.Queries;

/// <summary>
/// Overage of one customer and period not yet reported for billing, up to entry
/// <see cref="LastEntryId"/>. Report it (e.g. a Stripe meter event whose identifier is
/// <see cref="ReportKey"/>), then call MarkOverageReportedAsync with this record.
/// </summary>
public sealed record UnreportedOverage(string CustomerId, DateTimeOffset PeriodStart, long Quantity, long LastEntryId)
{
    /// <summary>Stripe takes a meter event identifier of at most 100 characters.</summary>
    public const int MaxReportKeyLength = 100;

    /// <summary>
    /// Deterministic: the same unreported overage always gets the same key, so retries are safe on both sides. It is the
    /// readable <c>overage:customer:period:entry</c> when that fits Stripe's 100 characters, as every key made before this
    /// rule did (so a report in flight keeps its key); for a longer customer id, which Stripe would refuse for ever (the
    /// overage never billed), the SHA-256 of that text, which fits and still names one report.
    /// </summary>
    public string ReportKey
    {
        get
        {
            var readable = string.Create(CultureInfo.InvariantCulture, $"overage:{CustomerId}:{PeriodStart.UtcTicks}:{LastEntryId}");
            return readable.Length <= MaxReportKeyLength
                ? readable
                : "overage:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(readable)));
        }
    }
}
