using System.Diagnostics;
using System.Text;
using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Client;

/// <summary>
/// The TypeScript SDK (clients/typescript) against the real system: this class starts the Orchestrator, the Gateway,
/// PostgreSQL, RabbitMQ and the Stripe emulator, fetches the Gateway's OpenAPI document, builds the SDK and runs its
/// node tests (`node --test`), which call this Gateway and check that the SDK's generated types are current.
/// </summary>
public class TypeScriptSdkTests(TypeScriptSdkTests.SdkSystem system, ITestOutputHelper output) : IClassFixture<TypeScriptSdkTests.SdkSystem>
{
    /// <summary>The system with http webhook receivers allowed (the node tests run one), quick deliveries, and the portal on.</summary>
    public sealed class SdkSystem : SystemUnderTest
    {
        protected override void Configure(Dictionary<string, string> environment)
        {
            environment.WithQuickWebhooks();
            environment["Portal__SigningKey"] = "typescript-sdk-tests-portal-signing-key-0123456789abcdef";
        }
    }

    static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(8);
    static string SdkDirectory => Path.Combine(TestEnvironment.RepositoryRoot, "clients", "typescript");

    [Fact]
    public async Task The_sdk_node_tests_pass_against_the_running_system()
    {
        var node = OnPath("node");
        var npm = OnPath("npm");
        Assert.True(node is not null && npm is not null,
            "node and npm are not on PATH: run scripts/prerequisites.sh (it installs Debian's nodejs and npm).");

        var openApi = Path.Combine(Path.GetTempPath(), $"credits-openapi-{Guid.NewGuid():N}.json");
        try
        {
            using (var http = system.Client())
                await File.WriteAllTextAsync(openApi, await http.GetStringAsync("/openapi/v1.json"));

            var deadline = DateTimeOffset.UtcNow + NodeTimeout;
            if (!Directory.Exists(Path.Combine(SdkDirectory, "node_modules")))
                await RunAsync(npm!, ["ci", "--no-audit", "--no-fund"], deadline, new Dictionary<string, string>());
            await RunAsync(npm!, ["run", "build"], deadline, new Dictionary<string, string>());
            await RunAsync(node!, ["--test", "--test-reporter=spec", "test/"], deadline, new Dictionary<string, string>
            {
                ["CREDITS_BASE_URL"] = system.Gateway.BaseAddress.ToString().TrimEnd('/'),
                ["CREDITS_API_KEY"] = SystemUnderTest.ApiKey,
                ["CREDITS_OPENAPI_FILE"] = openApi,
            });
        }
        finally
        {
            File.Delete(openApi);
        }
    }

    /// <summary>Runs one command in clients/typescript, its output to the test's output; a non-zero exit fails the test.</summary>
    async Task RunAsync(string command, string[] arguments, DateTimeOffset deadline, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = SdkDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["NO_COLOR"] = "1";
        var lines = new List<string>();
        void Line(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
            try { output.WriteLine(line); } catch (InvalidOperationException) { } // the test has ended (timed out)
        }

        var name = Path.GetFileName(command) + " " + string.Join(' ', arguments);
        Line("$ " + name);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Max(deadline - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1)));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{name} did not finish within {NodeTimeout}.\n{Tail(lines)}");
        }
        process.WaitForExit(); // drains the redirected output
        Line($"({name}: exit {process.ExitCode} after {watch.Elapsed.TotalSeconds:0.0} s)");
        if (process.ExitCode == 0) return;

        Assert.Fail($"{name} exited with {process.ExitCode}.\nFailing lines:\n{string.Join('\n', Failing(lines))}\n\nLast lines:\n{Tail(lines)}");
    }

    /// <summary>The spec reporter's summary of the failures (each with its assertion), else the lines that name an error.</summary>
    static List<string> Failing(List<string> lines)
    {
        lock (lines)
        {
            var summary = lines.FindLastIndex(l => l.TrimStart().StartsWith("✖ failing tests", StringComparison.Ordinal));
            return summary >= 0
                ? lines.Skip(summary + 1).Take(80).ToList()
                : lines.Where(l => l.Contains('✖') || l.Contains("not ok") || l.Contains("error TS") || l.Contains("npm ERR") || l.Contains("Error:"))
                    .Take(40).ToList();
        }
    }

    static string Tail(List<string> lines)
    {
        lock (lines) return string.Join('\n', lines.TakeLast(60));
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static string? OnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
