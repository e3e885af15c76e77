using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// Stripe unreachable when the Orchestrator starts: it starts anyway after Catalog:StartupWait (usage ingestion
/// needs no Stripe) and its readiness says the price ids are missing, instead of hiding it or refusing to run.
/// </summary>
public class StripeUnreachableAtStartTests : IClassFixture<Infrastructure>
{
    readonly Infrastructure _infrastructure;

    public StripeUnreachableAtStartTests(Infrastructure infrastructure) => _infrastructure = infrastructure;

    [Fact]
    public async Task The_orchestrator_starts_degraded_and_says_why()
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Postgres__ConnectionString"] = _infrastructure.Database.ConnectionString,
            ["RabbitMq__Url"] = _infrastructure.VirtualHost.Uri.ToString(),
            ["Stripe__SecretKey"] = "sk_test_x",
            ["Stripe__WebhookSecret"] = "whsec_x",
            ["Stripe__ApiBase"] = "http://127.0.0.1:1",
            ["Stripe__MeterEventsBase"] = "http://127.0.0.1:1",
            ["Stripe__MaxNetworkRetries"] = "0",
            ["Catalog__StartupWait"] = "00:00:02",
        };
        await using (var migrate = new HostProcess("Orchestrator", environment))
            Assert.Equal(0, await migrate.RunToExitAsync(TimeSpan.FromSeconds(150), "migrate"));

        await using var orchestrator = new HostProcess("Orchestrator", environment);
        await orchestrator.StartAsync();

        using var http = new HttpClient { BaseAddress = orchestrator.BaseAddress };
        Assert.Equal("Degraded", await http.GetStringAsync("health/ready"));
        Assert.Contains("Stripe prices not resolved within", orchestrator.Output);
    }
}
