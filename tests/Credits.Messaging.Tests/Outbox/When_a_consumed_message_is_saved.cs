using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Issue 16: the outbox's own save, just before its commit, needs no savepoint (a failure there fails the whole
/// attempt), so it does not pay the two round trips of one. A consumer's own save keeps its savepoint: the saga
/// repository's insert catches a duplicate key and goes on in the same transaction.
/// </summary>
public class When_a_consumed_message_is_saved(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    [Fact]
    public async Task Should_make_a_savepoint_for_the_consumers_save_only()
    {
        var savepoints = new TransactionCounter();
        // The probe consumer saves its row itself (a savepoint), then publishes: the outbox saves that message.
        using var host = await ConsumeOneProbe(savepoints);
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_message") == 0, because: "the relay sends its message");

        Assert.Equal(1, savepoints.SavepointsCreated);
        await host.StopAsync();
    }

    /// <summary>
    /// Issue 16: the outbox's last save carries the commit, so the unit's outgoing messages and its commit are one round
    /// trip. This consumer saved its own row, so the last save has only the outbox's rows, written by hand.
    /// </summary>
    [Fact]
    public async Task Should_commit_in_the_batch_that_writes_the_outgoing_messages()
    {
        var commands = new CommandLog();
        using var host = await ConsumeOneProbe(commands);

        var lastSave = Assert.Single(commands.Texts, text => text.Contains("INSERT INTO \"outbox_message\""));
        Assert.Contains("INSERT INTO \"outbox_state\"", lastSave);
        Assert.EndsWith("COMMIT;", lastSave.TrimEnd());
        await host.StopAsync();
    }

    /// <summary>
    /// Issue 16, twenty-third session: the outbox's rows and the inbox claim are written by hand at the end of Entity
    /// Framework's last batch, which writes the consumer's row and ends with the commit: one round trip for all of it.
    /// </summary>
    [Fact]
    public async Task Should_write_the_outbox_rows_in_the_batch_that_saves_the_consumers_row()
    {
        var commands = new CommandLog();
        using var host = await ConsumeOneProbe(commands, OutboxTestRoles.SavedByOutbox);
        await Eventually.True(async () => await infrastructure.Count("FROM outbox_message") == 0, because: "its message is sent after the commit");

        var lastSave = Assert.Single(commands.Texts, text => text.Contains("INSERT INTO probe"));
        Assert.Contains("INSERT INTO \"inbox_state\"", lastSave);
        Assert.Contains("INSERT INTO \"outbox_state\"", lastSave);
        Assert.Contains("INSERT INTO \"outbox_message\"", lastSave);
        Assert.EndsWith("COMMIT;", lastSave.TrimEnd());
        Assert.DoesNotContain(commands.Texts, text => text != lastSave && text.Contains("outbox_message") && text.Contains("INSERT"));
        await host.StopAsync();
    }

    /// <summary>Starts a probe host whose DbContext has <paramref name="interceptor"/>, and waits until one probe is consumed and committed.</summary>
    async Task<IHost> ConsumeOneProbe(IInterceptor interceptor, OutboxTestRoles roles = OutboxTestRoles.None)
    {
        var host = OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
            OutboxTestRoles.Probe | roles, o => o.QueryDelay = TimeSpan.FromMilliseconds(100), o => o.AddInterceptors(interceptor));
        await host.StartAsync();
        var probeId = Guid.NewGuid();

        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{OutboxTestHostBuilder.ProbeQueue}"));
        await endpoint.Send(new ProbeRequested { ProbeId = probeId });
        await Eventually.True(async () => await infrastructure.Count($"FROM probe WHERE probe_id = '{probeId}'") == 1,
            because: "the probe is consumed and committed");
        return host;
    }
}
