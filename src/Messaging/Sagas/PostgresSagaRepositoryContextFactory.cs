using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Sagas;

/// <summary>
/// The saga repository of one saga type, resolved in the scope of each message, so it shares the scoped
/// <typeparamref name="TDbContext"/> (and its transaction) with the outbox and the message scheduler.
/// </summary>
sealed class PostgresSagaRepositoryContextFactory<TDbContext, TSaga>(
    TDbContext dbContext,
    ISagaConsumeContextFactory<DbContext, TSaga> factory,
    PostgresSagaRepositoryOptions options,
    IEnumerable<ISagaMessagePayload> payloadSources)
    : ISagaRepositoryContextFactory<TSaga>
    where TDbContext : DbContext
    where TSaga : class, ISaga
{
    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "postgresql");
        context.Add("concurrency", options.ConcurrencyMode.ToString());
    }

    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        return SagaTransaction.Run(dbContext, async () =>
        {
            var repositoryContext = CreateContext(context);
            await next.Send(repositoryContext);
        }, context.CancellationToken);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        return SagaTransaction.Run(dbContext, async () =>
        {
            var repositoryContext = CreateContext(context);

            // Find the matching ids, then load each as for a correlated message (locked in pessimistic mode, in a
            // fixed order so two queries cannot deadlock) and keep those that still match once locked.
            var ids = await dbContext.Set<TSaga>().AsNoTracking()
                .Where(query.FilterExpression).Select(x => x.CorrelationId).OrderBy(x => x)
                .ToListAsync(context.CancellationToken);
            // Interpreted, not compiled: the filter holds this message's values, so a compiled delegate (what
            // query.GetFilter() makes) would be a new dynamic method per message, and their creation and
            // finalization was ~10 % of the Orchestrator's CPU under saga load (docs/BENCHMARKS.md).
            var stillMatching = query.FilterExpression.Compile(preferInterpretation: true);
            var instances = new List<TSaga>(ids.Count);
            foreach (var id in ids)
            {
                var instance = await SagaInstanceLoader.Load<TSaga>(dbContext, options.ConcurrencyMode, id, context.CancellationToken);
                if (instance is not null && stillMatching(instance))
                    instances.Add(instance);
            }

            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        }, context.CancellationToken);
    }

    PostgresSagaRepositoryContext<TSaga, T> CreateContext<T>(ConsumeContext<T> context)
        where T : class =>
        new(dbContext, context, factory, options.ConcurrencyMode,
            payloadSources.Select(source => source.Create(context, dbContext)).ToArray());
}
