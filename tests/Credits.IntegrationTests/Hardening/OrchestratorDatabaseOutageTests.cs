using Credits.Contracts.Usage;
using Credits.IntegrationTests.Sagas;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// The real system whose Orchestrator reaches PostgreSQL through a relay the test can cut: what a PostgreSQL restart or
/// failover looks like to the consumers. The Gateway, the test's bus and the shared services keep their own connections.
/// </summary>
public sealed class RelayedOrchestratorDatabaseSystem : SystemUnderTest, IAsyncLifetime
{
    TcpRelay? _postgres;

    public TcpRelay Postgres => _postgres ?? throw new InvalidOperationException("the Orchestrator has not started");

    protected override void Configure(Dictionary<string, string> environment)
    {
        var database = new NpgsqlConnectionStringBuilder(Infrastructure.Database.ConnectionString);
        _postgres ??= new TcpRelay(database.Host!, database.Port);
        database.Host = "127.0.0.1";
        database.Port = Postgres.Port;
        database.Timeout = 5;
        database.CommandTimeout = 10;
        environment["Postgres__ConnectionString"] = database.ConnectionString;
    }

    protected override void ConfigureGateway(Dictionary<string, string> environment) =>
        environment["Postgres__ConnectionString"] = Infrastructure.Database.ConnectionString;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}

/// <summary>
/// PostgreSQL out of the Orchestrator's reach for longer than its quick retries (a restart, a failover): a command or
/// a usage event that arrives then waits for the database and is applied once it is back, instead of being moved to
/// an error queue where nobody acts on it. The chaos soak lost a top-up request that way during a 9-second PostgreSQL
/// restart (docs/RELIABILITY.md).
/// </summary>
public class OrchestratorDatabaseOutageTests(RelayedOrchestratorDatabaseSystem system, ITestOutputHelper output)
    : IClassFixture<RelayedOrchestratorDatabaseSystem>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_purchase_and_a_usage_event_sent_while_PostgreSQL_is_out_for_15_seconds_are_applied_once_it_is_back()
    {
        var id = SagaFlows.NewCustomerId("db-out");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200, SagaFlows.StepTimeout, "Hobby's allowance");

        Guid purchase;
        system.Postgres.Cut();
        try
        {
            purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 1000, savedCard: true);
            await _bus!.Publisher.Publish(new UsageRecorded { CustomerId = id, EventId = $"{id}-during", Credits = 30, OccurredAt = DateTimeOffset.UtcNow });
            // Longer than the quick retries (100 ms, 500 ms, 2 s and the sagas' own 50/200/1,000 ms) add up to.
            await Task.Delay(TimeSpan.FromSeconds(15));
        }
        finally
        {
            system.Postgres.Restore();
        }

        TopUpState completed;
        try
        {
            completed = await Flows.TopUpInStateAsync(purchase, "Completed", "Cancelled");
        }
        finally
        {
            // What the consumers did with the messages of the outage: retried, or moved to an error queue.
            foreach (var line in system.Orchestrator.Output.Split('\n').Where(l => l.Contains("R-FAULT") || l.Contains("R-RETRY") || l.Contains("T-FAULT")))
                output.WriteLine(line.Length > 600 ? line[..600] : line);
        }
        Assert.Equal("Completed", completed.CurrentState);
        Assert.Equal(670, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 670, SagaFlows.StepTimeout, "the purchase granted and the usage debited"));
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
        foreach (var queue in new[] { "top-up-state_error", "usage-recorded_error" })
            Assert.Equal(0, await system.Infrastructure.VirtualHost.QueueDepthAsync(queue));
        output.WriteLine($"top-up {purchase} {completed.CurrentState}; balance 670");
    }
}
