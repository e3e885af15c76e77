using Credits.Messaging.Tests.Sagas;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Messaging.Tests.Scheduling;

/// <summary>
/// Issue 3, test 4d: two instances poll the same scheduled_message table in small batches, so they race for
/// every row; SKIP LOCKED must hand each row to one of them only.
/// </summary>
public class When_two_instances_deliver_scheduled_messages(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    const int Messages = 300;

    [Fact]
    public async Task Should_send_each_message_once()
    {
        var log = new ScheduledPingLog();
        void Configure(TallyHost.Settings s)
        {
            s.Scheduler = o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(20);
                o.BatchSize = 5;
            };
            s.Configure = log.AddConsumerTo;
        }

        await using var first = await TallyHost.Start(infrastructure, Configure);
        await using var second = await TallyHost.Start(infrastructure, Configure);

        // All due at once, committed together, so both pollers find a full table.
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            for (var i = 0; i < Messages; i++)
                await scheduler.ScheduleSend(ScheduledPingLog.Destination, DateTime.UtcNow, new ScheduledPing { Number = i });
            await transaction.CommitAsync();
        }

        await Eventually.True(() => Task.FromResult(log.Arrivals.Count == Messages), TimeSpan.FromSeconds(30), "every ping arrived");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second send would arrive by now
        Assert.All(log.Arrivals, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(0L, await infrastructure.Database.ScalarAsync<long>("SELECT count(*) FROM scheduled_message"));
    }
}
