using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Messaging.Scheduling;

/// <summary>
/// Puts a PostgreSQL <see cref="MessageSchedulerContext"/> on every consumed message. It runs before the message
/// scope exists, so each schedule or cancel uses a short scope and DbContext of its own.
/// </summary>
sealed class ConsumerMessageSchedulerFilter<TDbContext>(IServiceScopeFactory scopes) : IFilter<ConsumeContext>
    where TDbContext : DbContext
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        context.GetOrAddPayload<MessageSchedulerContext>(() => new ConsumeMessageSchedulerContext(context, consumeContext =>
            new MessageScheduler(new PostgresScheduleMessageProvider(InOwnScope, consumeContext), consumeContext.GetPayload<IBusTopology>())));
        return next.Send(context);
    }

    async Task InOwnScope(Func<DbContext, Task> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TDbContext>());
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("postgresMessageScheduler");
}
