using System.Data;
using Credits.Messaging;
using Credits.Messaging.Commits;
using Credits.Messaging.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks;

/// <summary>
/// The saga row's second floor: the same two round trips as <see cref="SagaFloorConsumer"/>, made the way the saga
/// repository makes them, through Entity Framework (the pooled DbContext, the instance read by a compiled query with
/// <c>FOR UPDATE</c> and tracked, its update in the last batch with the <c>COMMIT</c>), but without MassTransit's saga
/// repository and state machine. Between the hand-written floor and this one is Entity Framework's cost; between this
/// one and the saga, the state machine's and the saga pipe's (docs/BENCHMARKS.md, thirty-fifth session). The read
/// locks only with <see cref="RowLockInterceptor"/> on the DbContext, which the scenario checks once before it starts.
/// </summary>
public sealed class SagaEfFloorConsumer(SagaBenchmarkDbContext dbContext) : IConsumer<SagaBenchmarkEfFloorCounted>
{
    static readonly Func<SagaBenchmarkDbContext, Guid, IAsyncEnumerable<SagaBenchmarkState>> LockedRead =
        EF.CompileAsyncQuery((SagaBenchmarkDbContext db, Guid id) =>
            db.Set<SagaBenchmarkState>().TagWith(RowLockInterceptor.Tag).Where(x => x.CorrelationId == id));

    public async Task Consume(ConsumeContext<SagaBenchmarkEfFloorCounted> context)
    {
        var ct = context.CancellationToken;
        await using var transaction = await dbContext.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        SagaBenchmarkState? counter = null;
        await foreach (var row in LockedRead(dbContext, context.Message.CounterId).WithCancellation(ct))
            counter = row;
        if (counter is null) throw new InvalidOperationException($"no counter {context.Message.CounterId}");
        HeldRows.Hold(dbContext, counter);
        counter.Count++;
        await dbContext.SaveAndCommitAsync(transaction, ct);
    }
}
