using Credits.Messaging.TestHost;
using Credits.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// The bus outbox: IPublishEndpoint in a plain scope (as in an HTTP handler) writes to the scoped DbContext,
/// so the publish commits, or does not, with the handler's rows.
/// </summary>
public class When_publishing_outside_a_consumer(OutboxInfrastructure infrastructure) : IClassFixture<OutboxInfrastructure>
{
    IHost StartHost() => OutboxTestHostBuilder.Build(infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri,
        OutboxTestRoles.Counter, o =>
        {
            o.QueryDelay = TimeSpan.FromMilliseconds(100);
            o.UseBusOutbox();
        });

    [Fact]
    public async Task Should_never_send_a_publish_whose_transaction_rolled_back()
    {
        using var host = StartHost();
        await host.StartAsync();
        var rolledBack = Guid.NewGuid();
        var committed = Guid.NewGuid();

        await InTransaction(host, rolledBack, commit: false);
        await InTransaction(host, committed, commit: true);

        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{committed}'") == 1,
            because: "the committed publish is relayed");
        await Task.Delay(500);
        Assert.Equal(0, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{rolledBack}'"));
        Assert.Equal(0, await infrastructure.Count($"FROM probe WHERE probe_id = '{rolledBack}'"));
        Assert.Equal(1, await infrastructure.Count($"FROM probe WHERE probe_id = '{committed}'"));
        Assert.Equal(0, await infrastructure.Count("FROM outbox_message"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Should_send_only_after_SaveChanges()
    {
        using var host = StartHost();
        await host.StartAsync();
        var probeId = Guid.NewGuid();

        await using var scope = host.Services.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
        await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new ProbeRecorded { ProbeId = probeId });
        await Task.Delay(1000);
        Assert.Equal(0, await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'"));
        Assert.Equal(0, await infrastructure.Count("FROM outbox_message"));

        dbContext.Probes.Add(new ProbeRow { ProbeId = probeId, Consumptions = 1 });
        await dbContext.SaveChangesAsync();

        await Eventually.True(async () => await infrastructure.Count($"FROM counted_delivery WHERE probe_id = '{probeId}'") == 1,
            because: "SaveChanges commits the publish with the row");
        await host.StopAsync();
    }

    /// <summary>What a request handler does: its row and its publish in one explicit transaction.</summary>
    static async Task InTransaction(IHost host, Guid probeId, bool commit)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<OutboxTestDbContext>();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        // Npgsql's retrying strategy only allows a user transaction inside ExecuteAsync.
        await dbContext.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await dbContext.Database.BeginTransactionAsync();
            dbContext.Probes.Add(new ProbeRow { ProbeId = probeId, Consumptions = 1 });
            await publish.Publish(new ProbeRecorded { ProbeId = probeId });
            await dbContext.SaveChangesAsync();
            if (commit) await transaction.CommitAsync();
            else await transaction.RollbackAsync();
        });
    }
}
