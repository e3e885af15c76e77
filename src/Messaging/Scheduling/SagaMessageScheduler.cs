using Credits.Messaging.Sagas;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Scheduling;

/// <summary>
/// The <see cref="MessageSchedulerContext"/> a saga's <c>Schedule</c>, <c>Unschedule</c> and request timeouts use,
/// writing to the saga's own DbContext: the schedule row commits with the state that asked for it, or not at all.
/// </summary>
sealed class SagaMessageScheduler : ISagaMessagePayload
{
    public object Create(ConsumeContext context, DbContext dbContext) =>
        new ConsumeMessageSchedulerContext(context, consumeContext =>
            new MessageScheduler(new PostgresScheduleMessageProvider(work => work(dbContext), consumeContext),
                consumeContext.GetPayload<IBusTopology>()));
}
