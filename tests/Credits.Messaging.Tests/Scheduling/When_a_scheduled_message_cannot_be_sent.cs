using Credits.Messaging.Tests.Sagas;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Messaging.Tests.Scheduling;

/// <summary>
/// A due message that cannot be sent (here: an address no transport of the bus serves) is kept for a later try, and
/// the messages due after it go out, once each. A failed send used to roll its whole batch back: the batch's other
/// messages were sent again at every poll, and nothing due after it was ever sent.
/// </summary>
public class When_a_scheduled_message_cannot_be_sent(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_keep_it_and_send_the_others_once()
    {
        var log = new ScheduledPingLog();
        using var postponed = new PostponedSends();
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.Scheduler = o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(20);
                o.BatchSize = 2;
                o.RetryDelay = TimeSpan.FromMinutes(10);
            };
            s.Configure = log.AddConsumerTo;
        });

        // Ping 0 is due first, and its address is broken before anything can send it: one transaction.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await scheduler.ScheduleSend(ScheduledPingLog.Destination, DateTime.UtcNow.AddMinutes(-1), new ScheduledPing { Number = 0 });
            await scheduler.ScheduleSend(ScheduledPingLog.Destination, DateTime.UtcNow, new ScheduledPing { Number = 1 });
            await scheduler.ScheduleSend(ScheduledPingLog.Destination, DateTime.UtcNow, new ScheduledPing { Number = 2 });
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE scheduled_message SET destination_address = 'nowhere://broken/scheduled-ping' WHERE due_time < now() - interval '30 seconds'");
            await transaction.CommitAsync();
        }

        await Eventually.True(() => Task.FromResult(log.Arrivals.ContainsKey(1) && log.Arrivals.ContainsKey(2)), TimeSpan.FromSeconds(30),
            "the pings due after the broken one arrived");
        await Task.Delay(TimeSpan.FromSeconds(1)); // fifty polls: a repeated send would arrive by now
        Assert.Equal([(1, 1), (2, 1)], log.Arrivals.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)));
        Assert.Equal(1L, await infrastructure.Database.ScalarAsync<long>(
            "SELECT count(*) FROM scheduled_message WHERE destination_address LIKE 'nowhere:%' AND due_time > now() + interval '5 minutes'"));
        Assert.Equal(1L, await infrastructure.Database.ScalarAsync<long>("SELECT count(*) FROM scheduled_message"));
        // An operator's alert sees it: the postponed send is counted (credits.scheduler.messages.postponed).
        Assert.True(postponed.ScheduledMessages >= 1, $"postponed scheduled messages counted: {postponed.ScheduledMessages}");
    }
}
