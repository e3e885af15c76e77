using Credits.Messaging.Tests.Sagas;
using Credits.Testing;
using MassTransit;
using Xunit;

namespace Credits.Messaging.Tests.Scheduling;

/// <summary>A plain consumer (not a saga) schedules through <c>UsePostgresMessageScheduler</c>; the row delivers it.</summary>
public class When_a_consumer_schedules_a_message(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_deliver_it_when_due()
    {
        var log = new ScheduledPingLog();
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.Configure = x =>
            {
                log.AddConsumerTo(x);
                x.AddConsumer<PingSchedulingConsumer>().Endpoint(e => e.Name = "ping-scheduling");
            };
            s.Endpoint = (context, endpoint) => endpoint.UsePostgresMessageScheduler<TallyDbContext>(context);
        });

        await host.Publish(new PingRequested { Number = 7, Delay = TimeSpan.FromSeconds(1) });

        await Eventually.True(() => Task.FromResult(log.Arrivals.ContainsKey(7)), TimeSpan.FromSeconds(20), "the scheduled ping arrived");
        Assert.Equal(1, log.Arrivals[7]);
    }

    public record PingRequested
    {
        public int Number { get; init; }
        public TimeSpan Delay { get; init; }
    }

    public sealed class PingSchedulingConsumer : IConsumer<PingRequested>
    {
        public Task Consume(ConsumeContext<PingRequested> context) =>
            context.ScheduleSend(ScheduledPingLog.Destination, context.Message.Delay, new ScheduledPing { Number = context.Message.Number });
    }
}
