using System.Diagnostics;
using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.ChaosTests;

/// <summary>
/// The short chaos soak (docs/RELIABILITY.md): about 20,000 usage events and the sagas and reservations beside them,
/// through Orchestrator SIGKILLs, a Gateway SIGKILL under HTTP load, a RabbitMQ restart and a PostgreSQL fast restart,
/// then every check of the full soak. It runs scripts/chaos.sh, which starts and restarts the services of its own
/// "chaos" profile (never the suite's), and passes when the run finds no violation. ./test.sh runs this project
/// after the others, alone, since it kills and restarts what it runs on.
/// </summary>
public class ShortSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_acknowledged_event_is_debited_once_and_the_books_hold_through_kills_and_restarts()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "chaos.sh"),
            "--short", "--no-build", "--configuration", TestEnvironment.BuildConfiguration, "--queues", "quorum"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestEnvironment.RepositoryRoot,
        };
        // The soak's services are its own: the suite's settings must not leak into it.
        foreach (var name in new[] { "CREDITS_POSTGRES_ADMIN", "CREDITS_RABBITMQ", "CREDITS_RABBITMQ_MANAGEMENT", "CREDITS_POSTGRES" })
            info.Environment.Remove(name);
        using var process = Process.Start(info)!;
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        lock (lines) foreach (var line in lines) output.WriteLine(line);
        // The violations name what the books got wrong, the DIAGNOSIS lines what the services looked like when the
        // run stalled or a host would not start; the last lines name why a run ended early (a service that did not
        // start prints none of these words).
        Assert.True(process.ExitCode == 0, $"the short soak exited {process.ExitCode}; its violations:\n" +
            string.Join('\n', lines.Where(l => l.Contains("VIOLATION") || l.Contains("FAILED") || l.Contains("Exception") || l.Contains("DIAGNOSIS")).Take(150)) +
            "\nits last lines:\n" + string.Join('\n', lines.TakeLast(30)));
    }
}
