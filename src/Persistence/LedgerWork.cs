using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore.Storage;

namespace Credits.Persistence;

/// <summary>
/// The one shape of a ledger change made outside a consumer (an HTTP request, a sweep): begin a transaction, change the
/// ledger, write what the change calls for, publish its balance notifications, save and commit. Publishes go to the bus
/// outbox of the same DbContext, so the messages leave only if the change commits. A consumer needs none of this: it
/// runs inside its message's outbox transaction already.
/// </summary>
public sealed class LedgerWork(CreditsDbContext db, CreditLedger ledger, IPublishEndpoint publish, TimeProvider clock)
{
    /// <summary>
    /// One ledger command and the notifications it causes, committed together. When it causes none and nothing else
    /// waits to be saved, the commit ends the ledger's own batch (<see cref="CommitWithLedgerSave"/>): a reservation
    /// takes two round trips instead of three.
    /// </summary>
    public Task<LedgerResult> ApplyAsync(LedgerCommand command, CancellationToken ct) =>
        RunAsync(async (unit, token) =>
        {
            var commit = new CommitWithLedgerSave(results =>
                results.All(r => r.BalanceNotifications(clock.GetUtcNow()).Count == 0) && !db.ChangeTracker.HasChanges());
            var result = (await ledger.ApplyAsync([command], commit, token))[0];
            if (!commit.Sent)
                await unit.CommitAsync(result, token);
            return result;
        }, ct);

    /// <summary>One ledger change and the notifications it causes, committed together, whatever its outcome.</summary>
    public Task<LedgerResult> CommitAsync(Func<CancellationToken, Task<LedgerResult>> change, CancellationToken ct) =>
        RunAsync(async (unit, token) =>
        {
            var result = await change(token);
            await unit.CommitAsync(result, token);
            return result;
        }, ct);

    /// <summary>
    /// Runs <paramref name="work"/> in a new transaction. Nothing is kept unless it calls <see cref="Unit.CommitAsync(LedgerResult, CancellationToken)"/>:
    /// an answer returned without it (a refusal, a duplicate answered from the first) rolls everything back.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Unit, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        return await work(new Unit(db, publish, clock, transaction), ct);
    }

    /// <summary>The open transaction of <see cref="RunAsync{T}"/>.</summary>
    public sealed class Unit(CreditsDbContext db, IPublishEndpoint publish, TimeProvider clock, IDbContextTransaction transaction)
    {
        /// <summary>Publishes into this transaction: the message leaves after the commit, or never.</summary>
        public IPublishEndpoint Publish => publish;

        /// <summary>Publishes the balance notifications <paramref name="result"/> calls for, saves and commits.</summary>
        public async Task CommitAsync(LedgerResult result, CancellationToken ct)
        {
            await publish.PublishBalanceNotificationsAsync(result, clock.GetUtcNow(), ct);
            await db.SaveAndCommitAsync(transaction, ct);
        }

        /// <summary>Saves and commits: for work that published what it calls for itself (usage ingestion).</summary>
        public Task CommitAsync(CancellationToken ct) => db.SaveAndCommitAsync(transaction, ct);
    }
}
