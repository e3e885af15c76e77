using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Audit;

/// <summary>
/// The ledger's archive against what it holds. The archive job reads every chunk back through PostgreSQL when it writes
/// it and again every <c>Ledger:ArchiveVerifyEvery</c>, and compares it with its SHA-256, its roll-up totals and, entry by
/// entry, the ledger's entries of its range (<see cref="Credits.Ledger.Archive.ArchiveCheck"/>); it records what differs. This check reports
/// each chunk with a recorded difference, verified in the window: the heavy reading stays with the job, at its own pace,
/// and an hourly audit costs one index read.
/// <list type="bullet">
/// <item><c>archive_mismatch</c>: the chunk does not hold what it says, or the entries it archived changed. No repair:
/// the entries are still in the ledger, and an operator decides which side is wrong. The job reads such a chunk again
/// every hour, so the difference clears soon after the books agree again.</item>
/// </list>
/// </summary>
public sealed class LedgerArchiveCheck(AuditDatabase database) : IAuditCheck
{
    DbContext Db => database.Db;

    public string Name => "archive";

    public IReadOnlyList<string> Kinds { get; } = [AuditKinds.ArchiveMismatch];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        var chunks = await Db.Database.SqlQuery<ChunkWithDifference>($"""
            SELECT customer_id AS "CustomerId", first_entry_id AS "FirstEntryId", last_entry_id AS "LastEntryId", month AS "Month",
                   verified_at AS "VerifiedAt", difference AS "Difference"
            FROM ledger_archive_chunks
            WHERE difference IS NOT NULL AND verified_at >= {run.Window.From} AND verified_at < {run.Window.To}
            ORDER BY customer_id, first_entry_id
            """).ToListAsync(ct);
        foreach (var chunk in chunks)
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.ArchiveMismatch,
                Subject = $"archive:{chunk.CustomerId}:{chunk.FirstEntryId}",
                CustomerId = chunk.CustomerId,
                Expected = $"entries {chunk.FirstEntryId}..{chunk.LastEntryId} of {chunk.Month:yyyy-MM}, as archived",
                Actual = chunk.Difference,
                OccurredAt = chunk.VerifiedAt,
            });
    }

    sealed record ChunkWithDifference(string CustomerId, long FirstEntryId, long LastEntryId, DateTimeOffset Month, DateTimeOffset VerifiedAt, string Difference);
}
