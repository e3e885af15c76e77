using Credits.Messaging.Commits;
using Credits.Messaging.TestHost;
using Credits.Messaging.Tests.Outbox;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Credits.Messaging.Tests.Commits;

/// <summary>
/// Issue 16: the last save of a unit of work sends its <c>COMMIT</c> in its last batch, one round trip instead of two,
/// and only where that cannot commit anything the unit would not have committed: never after a change Entity
/// Framework finds missed its row, never before a later batch of the same save, never past a failed statement.
/// </summary>
public class When_the_last_save_commits(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    readonly CommandLog _commands = new();
    readonly TransactionCounter _commits = new();

    [Fact]
    public async Task Should_commit_inserts_in_their_batch()
    {
        await using var db = NewDbContext();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Probes.AddRange(ids.Select(id => new ProbeRow { ProbeId = id }));
            await db.SaveAndCommitAsync(transaction, CancellationToken.None);
            Assert.Null(db.Database.CurrentTransaction);
        }

        Assert.Equal(2, await CountProbes(ids));
        Assert.Equal(0, _commits.Committed);
        Assert.EndsWith("COMMIT;", Assert.Single(_commands.Texts).TrimEnd());
    }

    [Fact]
    public async Task Should_commit_nothing_when_a_change_misses_its_row()
    {
        var gone = Guid.NewGuid();
        var added = Guid.NewGuid();
        await infrastructure.Database.ExecuteAsync($"INSERT INTO probe (probe_id, consumptions) VALUES ('{gone}', 0)");
        await using var db = NewDbContext();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            // Read without a lock: another connection deletes the row before the save, so the UPDATE finds nothing,
            // which Entity Framework learns only after the batch has run.
            var probe = await db.Probes.SingleAsync(p => p.ProbeId == gone);
            await infrastructure.Database.ExecuteAsync($"DELETE FROM probe WHERE probe_id = '{gone}'");
            probe.Consumptions = 1;
            db.Probes.Add(new ProbeRow { ProbeId = added });

            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveAndCommitAsync(transaction, CancellationToken.None));
        }

        Assert.Equal(0, await CountProbes([added]));
        Assert.DoesNotContain(_commands.Texts, text => text.Contains("COMMIT"));
    }

    [Fact]
    public async Task Should_commit_a_change_of_a_row_the_transaction_locked_in_its_batch()
    {
        var locked = Guid.NewGuid();
        await infrastructure.Database.ExecuteAsync($"INSERT INTO probe (probe_id, consumptions) VALUES ('{locked}', 0)");
        await using var db = NewDbContext();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var probe = await db.Probes.FromSqlRaw("SELECT probe_id, consumptions FROM probe WHERE probe_id = {0} FOR UPDATE", locked).SingleAsync();
            HeldRows.Hold(db, probe);
            probe.Consumptions = 7;
            await db.SaveAndCommitAsync(transaction, CancellationToken.None);
        }

        Assert.Equal(7, await infrastructure.Database.ScalarAsync<int>($"SELECT consumptions FROM probe WHERE probe_id = '{locked}'"));
        Assert.Equal(0, _commits.Committed);
    }

    [Fact]
    public async Task Should_commit_in_the_last_of_several_batches_only()
    {
        await using var db = NewDbContext(maxBatchSize: 2);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Probes.AddRange(ids.Select(id => new ProbeRow { ProbeId = id }));
            await db.SaveAndCommitAsync(transaction, CancellationToken.None);
        }

        Assert.Equal(5, await CountProbes(ids));
        Assert.Equal(3, _commands.Texts.Count);
        Assert.Equal([false, false, true], _commands.Texts.Select(text => text.Contains("COMMIT")));
    }

    [Fact]
    public async Task Should_keep_nothing_of_earlier_batches_when_the_last_fails()
    {
        // Entity Framework orders one table's inserts by key: the duplicate, the greatest key, comes last.
        var existing = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff");
        await infrastructure.Database.ExecuteAsync($"INSERT INTO probe (probe_id, consumptions) VALUES ('{existing}', 0) ON CONFLICT DO NOTHING");
        await using var db = NewDbContext(maxBatchSize: 2);
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Probes.AddRange(ids.Append(existing).Select(id => new ProbeRow { ProbeId = id }));
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveAndCommitAsync(transaction, CancellationToken.None));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        }

        Assert.Equal(0, await CountProbes(ids));
        Assert.Equal(3, _commands.Texts.Count);
        Assert.Contains("COMMIT", _commands.Texts.Last());

        // The connection went back to the pool in a clean state: the next unit commits as usual.
        await using var next = NewDbContext();
        var after = Guid.NewGuid();
        await using (var transaction = await next.Database.BeginTransactionAsync())
        {
            next.Probes.Add(new ProbeRow { ProbeId = after });
            await next.SaveAndCommitAsync(transaction, CancellationToken.None);
        }
        Assert.Equal(1, await CountProbes([after]));
    }

    [Fact]
    public async Task Should_commit_in_a_round_trip_of_its_own_without_the_option()
    {
        await using var db = NewDbContext(fold: false);
        var id = Guid.NewGuid();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Probes.Add(new ProbeRow { ProbeId = id });
            await db.SaveAndCommitAsync(transaction, CancellationToken.None);
        }

        Assert.Equal(1, await CountProbes([id]));
        Assert.Equal(1, _commits.Committed);
        Assert.DoesNotContain(_commands.Texts, text => text.Contains("COMMIT"));
    }

    OutboxTestDbContext NewDbContext(int? maxBatchSize = null, bool fold = true)
    {
        var options = new DbContextOptionsBuilder<OutboxTestDbContext>()
            .UseNpgsql(infrastructure.Database.ConnectionString, o => { if (maxBatchSize is { } size) o.MaxBatchSize(size); })
            .AddInterceptors(_commands, _commits);
        if (fold)
            options.FoldCommitIntoLastBatch();
        return new OutboxTestDbContext(options.Options);
    }

    Task<long> CountProbes(IEnumerable<Guid> ids) =>
        infrastructure.Count($"FROM probe WHERE probe_id IN ({string.Join(", ", ids.Select(id => $"'{id}'"))})");
}
