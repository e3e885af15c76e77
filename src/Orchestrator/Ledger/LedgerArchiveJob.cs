using Credits.Ledger.Archive;
using Credits.Messaging.Jobs;
using Microsoft.Extensions.Options;

namespace Credits.Orchestrator.Ledger;

/// <summary>
/// Archives each customer's entries a month at a time once the month is <see cref="LedgerOptions.ArchiveAfterMonths"/>
/// months old (<see cref="LedgerArchiver"/>). Each chunk is its own transaction. An account that fails is logged and
/// left for the next run, and does not stop the accounts after it; the run then counts as failed, so the health check
/// shows an archive that keeps failing. Each run also puts the keys of chunks archived before the cold tier existed
/// into it, and reads back the chunks due for verification
/// (<see cref="LedgerOptions.ArchiveVerifyEvery"/>). With <see cref="LedgerOptions.RemoveArchivedEntries"/>, an account's
/// archived entries then leave the ledger. Safe on several instances: an account's cursor and a chunk under
/// verification are taken with SKIP LOCKED, and a removal holds the account's row lock.
/// </summary>
public sealed class LedgerArchiveJob(IServiceScopeFactory scopes, IOptions<LedgerOptions> options, JobRuns runs, TimeProvider clock,
    ILogger<LedgerArchiveJob> logger) : PeriodicJob(runs, clock, logger)
{
    /// <summary>Accounts looked at, chunks written and chunks verified again, in one run at most: a run stays short, and the next follows at once.</summary>
    const int AccountsPerRun = 200, ChunksPerRun = 50, VerificationsPerRun = 20;

    public override string Name => "ledger-archive";

    protected override TimeSpan Interval => options.Value.ArchiveInterval;

    protected override async Task<JobOutcome> RunOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<string> due;
        await using (var scope = scopes.CreateAsyncScope())
            due = await scope.ServiceProvider.GetRequiredService<LedgerArchiver>().FindDueAccountsAsync(AccountsPerRun, ct);

        int chunks = 0, failed = 0, busy = 0, removed = 0;
        foreach (var customerId in due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var archiver = scope.ServiceProvider.GetRequiredService<LedgerArchiver>();
                var (archived, last) = await archiver.ArchiveAccountAsync(customerId, options.Value.ArchiveAfterMonths, ChunksPerRun - chunks, ct);
                chunks += archived;
                if (last == ArchiveOutcome.Busy) busy++;
                // Once its months are archived (NothingDue): a busy account is another instance's, one cut short by the
                // budget comes back at the next run.
                else if (last == ArchiveOutcome.NothingDue && options.Value.RemoveArchivedEntries)
                    removed += await archiver.RemoveArchivedAsync(customerId, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                failed++;
                logger.LogError(e, "The ledger archive could not archive the entries of {CustomerId}; tried again at the next run", customerId);
            }
            if (chunks >= ChunksPerRun) break;
        }
        if (chunks > 0) logger.LogInformation("The ledger archive wrote {Chunks} chunks", chunks);
        if (removed > 0) logger.LogInformation("The ledger archive removed {Entries} archived entries from the ledger", removed);

        // Chunks archived before their keys went to the cold tier (with the chunk, since the LedgerArchiveColdKeys migration).
        int indexed;
        await using (var scope = scopes.CreateAsyncScope())
            indexed = await scope.ServiceProvider.GetRequiredService<LedgerArchiver>().IndexUnindexedKeysAsync(ChunksPerRun, ct);
        if (indexed > 0) logger.LogInformation("The ledger archive put the event keys of {Chunks} earlier chunks in the cold tier", indexed);

        (int Verified, int WithDifferences) verified;
        await using (var scope = scopes.CreateAsyncScope())
            verified = await scope.ServiceProvider.GetRequiredService<LedgerArchiver>().VerifyDueAsync(options.Value.ArchiveVerifyEvery, VerificationsPerRun, ct);
        if (verified.WithDifferences > 0)
            logger.LogError("{Chunks} of {Verified} archived chunks read back differ from what they hold; the money audit reports them (archive_mismatch)",
                verified.WithDifferences, verified.Verified);

        if (failed > 0) return JobOutcome.Incomplete($"{failed} of {due.Count} accounts could not be archived");
        // Accounts another instance holds stay due; when that is all there was, running again at once would only spin.
        var progressed = due.Count > busy;
        return chunks >= ChunksPerRun || (due.Count == AccountsPerRun && progressed) || indexed == ChunksPerRun
               || verified.Verified == VerificationsPerRun
            ? JobOutcome.More : JobOutcome.Done;
    }
}
