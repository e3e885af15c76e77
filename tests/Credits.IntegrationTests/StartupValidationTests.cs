using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>A missing or malformed setting stops a host at start-up with a message that names the key.</summary>
public class StartupValidationTests
{
    static Dictionary<string, string> Valid() => StartupSettings.Valid("Testing");

    [Theory]
    [InlineData("Gateway", "RabbitMq__Url", null, "RabbitMq:Url")]
    [InlineData("Gateway", "RabbitMq__Url", "http://not-amqp", "RabbitMq:Url")]
    [InlineData("Gateway", "Postgres__ConnectionString", null, "Postgres:ConnectionString")]
    [InlineData("Gateway", "ApiKeys__Keys__0__Sha256", "not-a-hash", "ApiKeys:Keys:0:Sha256")]
    // A key without scopes is refused, not given every scope; a misspelt scope is refused, not ignored.
    [InlineData("Gateway", "ApiKeys__Keys__0__Scopes__0", null, "ApiKeys:Keys:0:Scopes must list at least one scope")]
    [InlineData("Gateway", "ApiKeys__Keys__0__Scopes__0", "Admin", "ApiKeys:Keys:0:Scopes:0 'Admin' is not a scope")]
    [InlineData("Gateway", "ApiKeys__Keys__0__Scopes__0", "*", "ApiKeys:Keys:0:Scopes:0 '*' is not a scope")]
    [InlineData("Gateway", "ApiKeys__Keys__1__Sha256", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "ApiKeys:Keys:1:Sha256 is the hash of an earlier key")]
    [InlineData("Orchestrator", "Postgres__ConnectionString", "Host=;;=bad", "Postgres:ConnectionString")]
    [InlineData("Orchestrator", "RabbitMq__Url", null, "RabbitMq:Url")]
    [InlineData("Orchestrator", "Stripe__SecretKey", null, "Stripe:SecretKey")]
    [InlineData("Gateway", "Stripe__WebhookSecret", null, "Stripe:WebhookSecret")]
    // Rate cards (config/catalog.json, section RateCards) are checked by both hosts before anything is priced.
    [InlineData("Gateway", "RateCards__1__Rates__0__CreditsPerUnit", "-1", "CreditsPerUnit must be above 0")]
    [InlineData("Orchestrator", "RabbitMq__StartDeadline", "00:00:01", "RabbitMq:StartDeadline must be between")]
    [InlineData("Orchestrator", "RabbitMq__ClusterNodes", "rabbit-1,rabbit-2:port", "RabbitMq:ClusterNodes: node 2 is not a host or host:port")]
    [InlineData("Gateway", "RabbitMq__ClusterNodes", "amqp://rabbit-1", "RabbitMq:ClusterNodes: node 1 is not a host or host:port")]
    [InlineData("Orchestrator", "RateCards__2__EffectiveFrom", "2025-06-01T00:00:00Z", "rate card version 2: EffectiveFrom must be later than version 1's")]
    [InlineData("Orchestrator", "Ledger__ArchiveAfterMonths", "1", "Ledger:ArchiveAfterMonths must be between 2 and 120")]
    [InlineData("Gateway", "Ledger__ColdKeyCacheMegabytes", "0", "Ledger:ColdKeyCacheMegabytes must be between 1 and 65536")]
    public async Task The_host_refuses_to_start_and_names_the_key(string host, string variable, string? value, string key)
    {
        var environment = Valid();
        if (value is null) environment.Remove(variable); else environment[variable] = value;

        await using var process = new HostProcess(host, environment);
        var exit = await process.RunToExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        Assert.Contains(key, process.Output);
    }

    [Fact]
    public async Task A_cluster_node_written_with_a_password_is_refused_without_logging_the_password()
    {
        var environment = Valid();
        environment["RabbitMq__ClusterNodes"] = "rabbit-1:5672,credits:s3cret-pass@rabbit-2";

        await using var process = new HostProcess("Orchestrator", environment);
        var exit = await process.RunToExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        Assert.Contains("RabbitMq:ClusterNodes: node 2 is not a host or host:port", process.Output);
        Assert.DoesNotContain("s3cret-pass", process.Output);
    }
}
