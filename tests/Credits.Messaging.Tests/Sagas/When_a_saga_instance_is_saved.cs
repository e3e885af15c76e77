using MassTransit;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// Issue 16: a transition in the repository's own transaction saves the instance as that transaction's last write,
/// so it pays no savepoint (two round trips). Only the insert of an initial event keeps one: it catches a duplicate
/// key and goes on to load the winner in the same transaction (the insert race test shows it still does).
/// </summary>
public class When_a_saga_instance_is_saved(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    const int Increments = 10;

    [Fact]
    public async Task Should_make_a_savepoint_for_the_insert_only()
    {
        var savepoints = new TransactionCounter();
        await using var host = await TallyHost.Start(infrastructure, s => s.DbContext = o => o.AddInterceptors(savepoints));
        var tallyId = Guid.NewGuid();
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the tally opened");

        for (var i = 0; i < Increments; i++)
            await host.Publish(new TallyIncremented { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.Count == Increments, "every increment committed");

        Assert.Equal(1, savepoints.SavepointsCreated);
    }

    /// <summary>
    /// Issue 16: a transition's last save carries its commit (the instance's row is locked by the transaction), so a
    /// transition costs two round trips: the lock, then the update with the commit. Behind the outbox, as in the
    /// hosts, the outbox's last save carries it, with the inbox row.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_commit_each_transition_in_its_last_batch(bool behindTheOutbox)
    {
        var commits = new TransactionCounter();
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.DbContext = o => o.AddInterceptors(commits);
            if (!behindTheOutbox)
                return;
            // No relay: its own commits would count, and the tally publishes nothing.
            s.Configure = x => x.AddPostgresOutbox<TallyDbContext>(o => o.DisableDeliveryService());
            s.Endpoint = (context, endpoint) => endpoint.UsePostgresOutbox<TallyDbContext>(context);
        });
        var tallyId = Guid.NewGuid();
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the tally opened");
        var afterOpening = commits.Committed;

        for (var i = 0; i < Increments; i++)
            await host.Publish(new TallyIncremented { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.Count == Increments, "every increment committed");

        Assert.Equal(afterOpening, commits.Committed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_save_without_a_savepoint_and_leave_the_setting_as_it_was(bool autoSavepoints)
    {
        var savepoints = new TransactionCounter();
        await using var host = await TallyHost.Start(infrastructure, s => s.DbContext = o => o.AddInterceptors(savepoints));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        db.Database.AutoSavepointsEnabled = autoSavepoints;
        var tallyId = Guid.NewGuid();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Tallies.Add(new TallyState { CorrelationId = tallyId, CurrentState = "Open" });
            await db.SaveAndCommitAsync(transaction, CancellationToken.None);
        }

        Assert.Equal(0, savepoints.SavepointsCreated);
        Assert.Equal(autoSavepoints, db.Database.AutoSavepointsEnabled);
        Assert.NotNull(await host.Find(tallyId));
    }
}
