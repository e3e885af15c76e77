using System.Diagnostics;
using Credits.Testing;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// The chaos profile's PostgreSQL and RabbitMQ (scripts/services.sh ... chaos: their own ports and data), restarted
/// by the same script an operator would use. Refuses to touch any other profile: the test suite's services must
/// never be restarted under it.
/// </summary>
public static class ChaosServices
{
    /// <summary>The profile's PostgreSQL port: 57432 unless scripts/chaos.sh moved it off a port something else held.</summary>
    public static string Port => Environment.GetEnvironmentVariable("CREDITS_PG_PORT") is { Length: > 0 } port ? port : "57432";

    /// <summary>The run's services must be the chaos profile's (scripts/chaos.sh exports them).</summary>
    public static void EnsureChaosProfile()
    {
        if (!TestEnvironment.PostgresAdmin.Contains($"Port={Port}"))
            throw new InvalidOperationException(
                "The chaos soak restarts PostgreSQL and RabbitMQ: run it through scripts/chaos.sh, which starts the 'chaos' profile " +
                $"of scripts/services.sh and exports its settings (CREDITS_POSTGRES_ADMIN now points at {TestEnvironment.PostgresAdmin.Split(';')[1]}).");
    }

    public static async Task RunAsync(string action, params string[] arguments) => await ReadAsync(action, arguments);

    /// <summary>Runs an action of scripts/services.sh on the chaos profile; returns what it printed.</summary>
    public static async Task<string> ReadAsync(string action, params string[] arguments)
    {
        EnsureChaosProfile();
        var info = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "services.sh"), action, "chaos", .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"services.sh {action} chaos failed: {await errors}{await output}");
        return await output;
    }
}
