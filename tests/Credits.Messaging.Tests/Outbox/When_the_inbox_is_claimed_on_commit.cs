using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Issue 16: a consumer marked <see cref="ClaimsInboxOnCommitAttribute"/> claims its inbox row in the outbox's last
/// save instead of before it runs. A redelivery then runs the consumer again; the attempt must leave nothing, be
/// counted on the committed row and be acknowledged, as with the claim first. (Five racing copies:
/// <see cref="When_a_message_is_delivered_five_times"/>, with the claim in either place.)
/// </summary>
public class When_the_inbox_is_claimed_on_commit(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    const OutboxTestRoles OnCommitProbe = OutboxTestRoles.Probe | OutboxTestRoles.Counter | OutboxTestRoles.ClaimOnCommit;

    [Fact]
    public async Task Should_send_the_claim_in_the_batch_of_the_last_save()
    {
        var commands = new CommandLog();
        using var host = Build(OnCommitProbe, o => o.AddInterceptors(commands));
        await host.StartAsync();
        var probeId = Guid.NewGuid();

        await (await ProbeEndpoint(host)).Send(new ProbeRequested { ProbeId = probeId });
        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
            because: "the probe is consumed and its message relayed");

        // The round trip this saves: no statement of its own for the claim; one batch carries it with the outbox rows.
        var lastSave = Assert.Single(commands.Texts, text => text.Contains("INSERT INTO \"inbox_state\""));
        Assert.Contains("INSERT INTO \"outbox_message\"", lastSave);
        await host.StopAsync();
    }

    [Fact]
    public async Task Should_roll_back_a_redelivery_that_runs_after_the_commit()
    {
        using var host = Build(OnCommitProbe);
        await host.StartAsync();
        var probeId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var endpoint = await ProbeEndpoint(host);

        // The second copy finds the probe counted once and counts it again; only its inbox insert, in the last
        // save, tells it apart from a new message.
        await endpoint.Send(new ProbeRequested { ProbeId = probeId }, context => context.MessageId = messageId);
        await Eventually.True(async () => await infrastructure.Count($"FROM inbox_state WHERE message_id = '{messageId}'") == 1,
            because: "the first copy commits");
        await endpoint.Send(new ProbeRequested { ProbeId = probeId }, context => context.MessageId = messageId);

        await Eventually.True(async () => await infrastructure.Database.ScalarAsync<int>(
            $"SELECT receive_count FROM inbox_state WHERE message_id = '{messageId}'") == 2, because: "both copies are counted on the inbox row");
        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
            because: "the one publish is relayed");
        await Task.Delay(500);

        Assert.Equal(1, await infrastructure.Database.ScalarAsync<int>($"SELECT consumptions FROM probe WHERE probe_id = '{probeId}'"));
        Assert.Equal(1, await infrastructure.Database.ScalarAsync<long>($"SELECT sum(deliveries) FROM counted_delivery WHERE probe_id = '{probeId}'"));
        Assert.Equal(0, await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.ProbeQueue + "_error"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Should_still_fail_a_message_that_was_never_consumed()
    {
        using var host = Build(OutboxTestRoles.FailingProbe | OutboxTestRoles.Counter | OutboxTestRoles.ClaimOnCommit);
        await host.StartAsync();
        var probeId = Guid.NewGuid();

        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.FailingProbeQueue}"));
        await endpoint.Send(new FailingProbeRequested { ProbeId = probeId });

        // No committed inbox row: the failure is the consumer's own, so the retries run out into the error queue.
        await Eventually.True(async () => await infrastructure.VirtualHost.QueueDepthAsync(OutboxTestHostBuilder.FailingProbeQueue + "_error") == 1,
            because: "the message ends in the error queue");
        await Task.Delay(1000);

        Assert.Equal(0, await infrastructure.Count($"FROM probe WHERE probe_id = '{probeId}'"));
        Assert.Equal(0, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'"));
        await host.StopAsync();
    }

    IHost Build(OutboxTestRoles roles, Action<DbContextOptionsBuilder>? configureDbContext = null) =>
        OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri, roles,
            o => o.QueryDelay = TimeSpan.FromMilliseconds(100), configureDbContext);

    static Task<ISendEndpoint> ProbeEndpoint(IHost host) =>
        host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
}
