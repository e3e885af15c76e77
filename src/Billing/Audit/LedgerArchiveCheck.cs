using Credits.Ledger.Archive;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Credits.Billing.Audit;

/// <summary>
/// The ledger's archive against what it holds: every chunk archived in the window is read back through PostgreSQL and
/// compared with its SHA-256, its roll-up totals and, entry by entry, the ledger's entries of its range
/// (<see cref="ArchiveCheck"/>). The archiver made the same comparison before it committed the chunk, so a difference
/// here means the archive or the entries changed afterwards.
/// <list type="bullet">
/// <item><c>archive_mismatch</c>: the chunk does not hold what it says. No repair: the entries are still in the ledger,
/// and an operator decides which side is wrong before anything is archived again.</item>
/// </list>
/// </summary>
public sealed class LedgerArchiveCheck(AuditDatabase database) : IAuditCheck
{
    DbContext Db => database.Db;

    public string Name => "archive";

    public IReadOnlyList<string> Kinds { get; } = [AuditKinds.ArchiveMismatch];

    public async Task RunAsync(AuditRunContext run, CancellationToken ct)
    {
        var chunks = await Db.Database.SqlQuery<ChunkInWindow>($"""
            SELECT customer_id AS "CustomerId", first_entry_id AS "FirstEntryId", last_entry_id AS "LastEntryId", month AS "Month",
                   archived_at AS "ArchivedAt"
            FROM ledger_archive_chunks WHERE archived_at >= {run.Window.From} AND archived_at < {run.Window.To}
            ORDER BY customer_id, first_entry_id
            """).ToListAsync(ct);
        foreach (var chunk in chunks)
        {
            var differences = await VerifyAsync(chunk, ct);
            if (differences.Count == 0) continue;
            run.Report(new AuditFinding
            {
                Kind = AuditKinds.ArchiveMismatch,
                Subject = $"archive:{chunk.CustomerId}:{chunk.FirstEntryId}",
                CustomerId = chunk.CustomerId,
                Expected = $"entries {chunk.FirstEntryId}..{chunk.LastEntryId} of {chunk.Month:yyyy-MM}, as archived",
                Actual = string.Join("; ", differences),
                OccurredAt = chunk.ArchivedAt,
            });
        }
    }

    /// <summary>In a transaction of its own, rolled back: the comparison's temporary table goes with it.</summary>
    async Task<IReadOnlyList<string>> VerifyAsync(ChunkInWindow chunk, CancellationToken ct)
    {
        await using var transaction = await Db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)Db.Database.GetDbConnection();
        return await ArchiveCheck.VerifyAsync(connection, (NpgsqlTransaction)transaction.GetDbTransaction(), chunk.CustomerId, chunk.FirstEntryId, ct);
    }

    sealed record ChunkInWindow(string CustomerId, long FirstEntryId, long LastEntryId, DateTimeOffset Month, DateTimeOffset ArchivedAt);
}
