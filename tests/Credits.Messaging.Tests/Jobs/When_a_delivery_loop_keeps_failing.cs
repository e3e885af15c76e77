using Credits.Messaging.Jobs;
using Credits.Messaging.Outbox;
using Credits.Messaging.Tests.Sagas;
using Credits.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Credits.Messaging.Tests.Jobs;

/// <summary>
/// The outbox relay and the scheduler record every pass, as the periodic jobs do: while one keeps failing (here its
/// table is gone), the host's health is degraded and names it, and it is healthy again after the next pass that works.
/// Before, both only logged: messages and deadlines waited with nothing but log lines to show for it.
/// </summary>
public class When_a_delivery_loop_keeps_failing(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Its_health_is_degraded_until_a_pass_succeeds()
    {
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            s.Scheduler = o => o.PollInterval = TimeSpan.FromMilliseconds(50);
            s.Configure = x => x.AddPostgresOutbox<TallyDbContext>(o => o.QueryDelay = TimeSpan.FromMilliseconds(50));
        });
        var runs = host.Services.GetRequiredService<JobRuns>();
        var health = new PeriodicJobsHealthCheck(runs, TimeProvider.System);
        string[] loops = [OutboxDeliveryService<TallyDbContext>.JobName, "scheduled-messages"];

        await Eventually.True(() => Task.FromResult(loops.All(loop => runs.Current.Any(j => j.Job == loop && j.LastSucceededAt is not null))),
            TimeSpan.FromSeconds(20), "both loops have run");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        await infrastructure.Database.ExecuteAsync(
            "ALTER TABLE outbox_state RENAME TO outbox_state_away; ALTER TABLE scheduled_message RENAME TO scheduled_message_away");
        try
        {
            await Eventually.True(() => Task.FromResult(loops.All(loop => runs.Current.Any(j => j.Job == loop && j.ConsecutiveFailures >= 2))),
                TimeSpan.FromSeconds(20), "both loops fail pass after pass");
            var degraded = await health.CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Degraded, degraded.Status);
            Assert.Contains("outbox-relay: failing since", degraded.Description);
            Assert.Contains("scheduled-messages: failing since", degraded.Description);
        }
        finally
        {
            await infrastructure.Database.ExecuteAsync(
                "ALTER TABLE outbox_state_away RENAME TO outbox_state; ALTER TABLE scheduled_message_away RENAME TO scheduled_message");
        }

        await Eventually.True(async () => (await health.CheckHealthAsync(new HealthCheckContext())).Status == HealthStatus.Healthy,
            TimeSpan.FromSeconds(20), "healthy again after a pass that works");
    }
}
