using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// The contract with the transactional outbox: a filter in the message scope begins a transaction on the scoped
/// DbContext and saves it before it commits, and the saga repository joins it instead of committing on its own (a
/// changed instance waits for the owner's save). Here the filter rolls back every increment: if the repository had
/// committed anything itself, the count would show it.
/// </summary>
public class When_a_saga_runs_inside_a_transaction_begun_by_the_endpoint(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_leave_commit_and_rollback_to_the_owner_of_the_transaction()
    {
        var outcomes = new TransactionOutcomes();
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.Configure = x => x.AddSingleton(outcomes);
            s.Endpoint = (context, endpoint) => endpoint.UseConsumeFilter(typeof(OwnTransactionFilter<>), context);
        });
        var tallyId = Guid.NewGuid();

        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the opening committed by the filter");
        await host.Publish(new TallyIncremented { TallyId = tallyId });
        await Eventually.True(() => Task.FromResult(outcomes.RolledBack == 1), TimeSpan.FromSeconds(20), "the increment was consumed and rolled back");

        Assert.Equal(0, (await host.Find(tallyId))!.Count);
        Assert.Equal(1, outcomes.Committed);
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync("tally_error"));
    }

    public sealed class TransactionOutcomes
    {
        int _committed, _rolledBack;
        public int Committed => Volatile.Read(ref _committed);
        public int RolledBack => Volatile.Read(ref _rolledBack);
        public void Commit() => Interlocked.Increment(ref _committed);
        public void Rollback() => Interlocked.Increment(ref _rolledBack);
    }

    /// <summary>Stands in for the outbox filter: owns the transaction, saves; commits openings, rolls back increments.</summary>
    public sealed class OwnTransactionFilter<T>(TallyDbContext dbContext, TransactionOutcomes outcomes) : IFilter<ConsumeContext<T>>
        where T : class
    {
        public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
        {
            await using var transaction = await dbContext.Database.BeginTransactionAsync(context.CancellationToken);
            await next.Send(context);
            await dbContext.SaveChangesAsync(context.CancellationToken);
            if (context.Message is TallyIncremented)
            {
                await transaction.RollbackAsync();
                outcomes.Rollback();
            }
            else
            {
                await transaction.CommitAsync();
                outcomes.Commit();
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("ownTransaction");
    }
}
