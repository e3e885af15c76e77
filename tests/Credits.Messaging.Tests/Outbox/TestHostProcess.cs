using System.Diagnostics;
using System.Text;
using Credits.Messaging.TestHost;
using Credits.Testing;

namespace Credits.Messaging.Tests.Outbox;

/// <summary>
/// Credits.Messaging.TestHost run as a separate process from its build output, so a test can SIGKILL it
/// or run relays in two processes.
/// </summary>
public sealed class TestHostProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    TestHostProcess(OutboxInfrastructure infrastructure, OutboxTestRoles roles, string delivery)
    {
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Credits.Messaging.TestHost", "bin",
            TestEnvironment.BuildConfiguration, "net10.0", "Credits.Messaging.TestHost.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build tests/Credits.Messaging.TestHost first: {dll} is missing.");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in new[] { dll, infrastructure.Database.ConnectionString, infrastructure.VirtualHost.Uri.ToString(),
                     roles.ToString(), delivery })
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_NOLOGO"] = "1";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static Task<TestHostProcess> Start(OutboxInfrastructure infrastructure, OutboxTestRoles roles, bool delivery) =>
        Start(infrastructure, roles, delivery ? "delivery" : "no-delivery");

    /// <summary>A host whose every send to the broker hangs: it commits its units and can never send them.</summary>
    public static Task<TestHostProcess> StartWithStalledSends(OutboxInfrastructure infrastructure, OutboxTestRoles roles) =>
        Start(infrastructure, roles, "stalled-sends");

    static async Task<TestHostProcess> Start(OutboxInfrastructure infrastructure, OutboxTestRoles roles, string delivery)
    {
        var host = new TestHostProcess(infrastructure, roles, delivery);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        var exited = host._process.WaitForExitAsync();
        var first = await Task.WhenAny(host._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(120)));
        if (first != host._ready.Task)
            throw new InvalidOperationException($"The test host did not get ready:\n{host.Output}");
        return host;
    }

    /// <summary>SIGKILL: no shutdown, no flushing, nothing in flight completes.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    void Receive(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line == "ready") _ready.TrySetResult();
    }
}
