using System.Diagnostics;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// A host that cannot finish starting exits with 75 (Credits.ServiceDefaults.StartupDeadline.ExitCode) once RabbitMq:StartDeadline
/// has passed, so that its supervisor starts a fresh one; it does not live on unready. Here the broker is unreachable
/// (MassTransit would wait a minute for it); the soak's wedged quorum queue is the case where MassTransit waits for
/// ever (docs/RELIABILITY.md).
/// </summary>
public class StartupDeadlineTests
{
    const int GaveUpStarting = 75;

    [Theory]
    [InlineData("Orchestrator")]
    [InlineData("Gateway")]
    public async Task A_host_that_cannot_start_exits_for_its_supervisor_at_the_deadline(string host)
    {
        var environment = StartupSettings.Valid("Testing");
        environment["RabbitMq__StartDeadline"] = "00:00:05";

        await using var process = new HostProcess(host, environment);
        var clock = Stopwatch.StartNew();
        var exit = await process.RunToExitAsync(TimeSpan.FromSeconds(50));

        Assert.Equal(GaveUpStarting, exit);
        Assert.Contains("Start-up did not finish within 00:00:05", process.Output);
        // The line names what the start waited for: with no broker, every receive endpoint (the Gateway's one for its
        // bus instance, the Orchestrator's queues).
        var line = process.Output.Split('\n').Single(l => l.Contains("Start-up did not finish"));
        Assert.Matches(@"receive endpoints not ready: rabbitmq://", line);
        // Well before MassTransit's own minute: the deadline ended the start, not the bus giving up.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"exited after {clock.Elapsed.TotalSeconds:N0} s");
    }
}
