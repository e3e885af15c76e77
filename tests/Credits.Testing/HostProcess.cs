using System.Diagnostics;
using System.Net;
using System.Text;

namespace Credits.Testing;

/// <summary>
/// One of the project's hosts (Gateway, Orchestrator, StripeEmulator) run as a real process from the
/// build output, so tests can do what operators fear: kill it with SIGKILL and start it again.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    readonly string _project;
    readonly Dictionary<string, string> _environment;
    readonly StringBuilder _output = new();
    Process? _process;

    /// <param name="project">Folder under src/ and assembly suffix, e.g. "Orchestrator" for src/Orchestrator/bin/.../Credits.Orchestrator.dll.</param>
    public HostProcess(string project, IDictionary<string, string> environment, int? port = null)
    {
        _project = project;
        Port = port ?? FreePort();
        _environment = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = environment.TryGetValue("ASPNETCORE_ENVIRONMENT", out var env) ? env : "Development",
            ["DOTNET_NOLOGO"] = "1",
        };
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process?.HasExited ?? true;
    public int? ProcessId => _process?.Id;

    public static string AssemblyPath(string project) => Path.Combine(TestEnvironment.RepositoryRoot, "src", project, "bin",
        TestEnvironment.BuildConfiguration, "net10.0", $"Credits.{project}.dll");

    /// <summary>Starts the host and waits until /health/ready answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null, params string[] arguments)
    {
        await StartProcessAsync(arguments);
        // Generous: on a 2-core CI machine several test classes start their hosts at once, and a host that is
        // merely slow to start is not the failure any test is about.
        await WaitUntilReadyAsync(timeout ?? TimeSpan.FromSeconds(150));
    }

    /// <summary>Runs the host with arguments (e.g. "migrate") and waits for it to exit; returns the exit code.</summary>
    public async Task<int> RunToExitAsync(TimeSpan timeout, params string[] arguments)
    {
        await StartProcessAsync(arguments);
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    Task StartProcessAsync(string[] arguments)
    {
        var dll = AssemblyPath(_project);
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in _environment) info.Environment[k] = v;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return Task.CompletedTask;
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                // The output readers run on their own; without this wait the message can miss the host's last
                // lines, which are the ones that say why it stopped.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"{_project} exited with {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                var response = await http.GetAsync(new Uri(BaseAddress, "health/ready"));
                // Another host answering on this port is not this one ready: it fails to bind and exits, said above.
                if (response.StatusCode == HttpStatusCode.OK && ListensOnItsPort()) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{_project} was not ready within {timeout.TotalSeconds}s:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing. What a crash or an OOM kill looks like.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>A graceful stop (SIGTERM), as an orchestrator would do on a rolling deploy.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false }) return;
        using var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        term?.WaitForExit();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort() => FreePorts.Next();

    /// <summary>
    /// Whether this host holds the listening socket on <see cref="Port"/> (Linux: /proc/net/tcp and the process's
    /// descriptors). A 200 from /health/ready only says that some host answers on the port: another one may have it while
    /// this one fails to bind. Elsewhere than Linux it is taken on trust.
    /// </summary>
    bool ListensOnItsPort()
    {
        if (!OperatingSystem.IsLinux() || _process is null) return true;
        try
        {
            var sockets = ListeningSockets(Port);
            return sockets.Count > 0 && Directory.EnumerateFileSystemEntries($"/proc/{_process.Id}/fd")
                .Any(fd => new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target));
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return true; }
    }

    /// <summary>The socket inodes listening on <paramref name="port"/>, as the fd links name them ("socket:[inode]").</summary>
    static HashSet<string> ListeningSockets(int port)
    {
        var sockets = new HashSet<string>();
        var hexPort = port.ToString("X4");
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[3] == "0A" && columns[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                    sockets.Add($"socket:[{columns[9]}]");
            }
        }
        return sockets;
    }
}
