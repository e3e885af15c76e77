using Credits.Messaging.Jobs;
using Credits.Messaging.Outbox;
using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// A consumer's outgoing messages are sent right after its commit and their unit deleted afterwards by a loop of its
/// own. While those deletes keep failing (here a trigger refuses them), every such unit is sent again by a relay after
/// its grace and the tables grow: the host's health is degraded and names the loop, as it does for the relay, and it is
/// healthy again after the next pass that works. Before, the loop only logged.
/// </summary>
public class When_sent_units_cannot_be_deleted(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    const string Job = "outbox-sent-deletion";

    [Fact]
    public async Task Its_health_is_degraded_until_the_units_are_deleted()
    {
        using var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Probe | OutboxTestRoles.Counter, o =>
            {
                o.QueryDelay = TimeSpan.FromMilliseconds(100);
                // No relay resend while the test runs: the unit is the deletion loop's alone.
                o.RelayGrace = TimeSpan.FromMinutes(5);
            });
        await host.StartAsync();
        var runs = host.Services.GetRequiredService<JobRuns>();
        var health = new PeriodicJobsHealthCheck(runs, TimeProvider.System);
        Assert.Equal(Job, OutboxAfterCommitDelivery<OutboxTestDbContext>.JobName);

        await Eventually.True(() => Task.FromResult(runs.Current.Any(j => j.Job == Job && j.LastSucceededAt is not null)),
            TimeSpan.FromSeconds(20), "the deletion loop has run");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        await infrastructure.Database.ExecuteAsync("""
            CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'deletes refused'; END $$;
            CREATE TRIGGER refuse_delete BEFORE DELETE ON outbox_state FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
            """);
        var probeId = Guid.NewGuid();
        try
        {
            var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
            await endpoint.Send(new ProbeRequested { ProbeId = probeId });
            await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
                because: "the consumer's message is sent right after its commit");

            await Eventually.True(() => Task.FromResult(runs.Current.Any(j => j.Job == Job && j.ConsecutiveFailures >= 2)),
                TimeSpan.FromSeconds(20), "the deletion fails pass after pass");
            var degraded = await health.CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Degraded, degraded.Status);
            Assert.Contains($"{Job}: failing since", degraded.Description);
            Assert.Equal(1, await infrastructure.Count("FROM outbox_state"));
        }
        finally
        {
            await infrastructure.Database.ExecuteAsync("DROP TRIGGER refuse_delete ON outbox_state; DROP FUNCTION refuse_delete()");
        }

        await Eventually.True(async () => (await health.CheckHealthAsync(new HealthCheckContext())).Status == HealthStatus.Healthy,
            TimeSpan.FromSeconds(20), "healthy again after a pass that deletes the unit");
        Assert.Equal(0, await infrastructure.Count("FROM outbox_state"));
        Assert.Equal(0, await infrastructure.Count("FROM outbox_message"));
        // Deleted before its grace was over: the relay never sent it again.
        Assert.Equal(1, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}' AND deliveries = 1"));
        await host.StopAsync();
    }
}
