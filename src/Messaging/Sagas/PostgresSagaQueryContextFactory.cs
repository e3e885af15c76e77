using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Sagas;

/// <summary>
/// Reads saga instances outside a message (operations endpoints, the test harness's <c>Exists</c>/<c>Match</c>):
/// one untracked statement each, no lock, so they never wait behind a saga message.
/// </summary>
sealed class PostgresSagaQueryContextFactory<TDbContext, TSaga>(TDbContext dbContext)
    : IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TDbContext : DbContext
    where TSaga : class, ISaga
{
    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new ReadContext(dbContext, cancellationToken));

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new ReadContext(dbContext, cancellationToken));

    sealed class ReadContext(DbContext dbContext, CancellationToken cancellationToken)
        : BasePipeContext(cancellationToken), QuerySagaRepositoryContext<TSaga>, LoadSagaRepositoryContext<TSaga>
    {
        public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default)
        {
            var ids = await dbContext.Set<TSaga>().AsNoTracking()
                .Where(query.FilterExpression).Select(x => x.CorrelationId)
                .ToListAsync(cancellationToken);
            return new DefaultSagaRepositoryQueryContext<TSaga>(this, ids);
        }

        public async Task<TSaga> Load(Guid correlationId) =>
            (await dbContext.Set<TSaga>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken))!;
    }
}
