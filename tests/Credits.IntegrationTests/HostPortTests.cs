using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// A host that cannot bind its port is not taken for ready because another host answers there. CI once ran a whole test
/// class against another suite's Gateway that way: every request 401 (2026-12-03). The two hosts here are Stripe
/// emulators, the lightest host with a /health/ready.
/// </summary>
public class HostPortTests
{
    static Dictionary<string, string> On(int port) => new() { ["StripeEmulator__Url"] = $"http://127.0.0.1:{port}" };

    [Fact]
    public async Task A_host_whose_port_another_host_holds_fails_to_start_instead_of_answering_for_it()
    {
        var port = HostProcess.FreePort();
        await using var first = new HostProcess("StripeEmulator", On(port), port);
        await first.StartAsync();

        await using var second = new HostProcess("StripeEmulator", On(port), port);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("exited", failure.Message);
    }

    [Fact]
    public void Ports_are_handed_out_below_the_kernels_ephemeral_range_and_never_twice()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => HostProcess.FreePort()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 20_000, 32_000));
    }
}
