using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Credits.Testing;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a real service (PostgreSQL, RabbitMQ), for outage tests that must not stop the
/// shared services: point one host at <see cref="Port"/>, then <see cref="Cut"/> drops every open connection and
/// refuses new ones (the listener is closed, so connects get ECONNREFUSED, as when the service is down), and
/// <see cref="Restore"/> listens again on the same port.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    readonly string _targetHost;
    readonly int _targetPort;
    readonly ConcurrentDictionary<Guid, (TcpClient Client, TcpClient Target)> _open = new();
    readonly Lock _gate = new();
    TcpListener? _listener;
    CancellationTokenSource _running = new();

    public TcpRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        var listener = Listen(0);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Accept(listener, _running.Token);
    }

    public int Port { get; }

    public bool IsCut { get { lock (_gate) return _listener is null; } }

    /// <summary>The service "goes down": open connections are reset, new ones refused.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _running.Cancel();
            _listener?.Stop();
            _listener = null;
        }
        foreach (var (id, pair) in _open)
        {
            Abort(pair.Client);
            Abort(pair.Target);
            _open.TryRemove(id, out _);
        }
    }

    /// <summary>The service is back on the same address.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null) return;
            _running = new CancellationTokenSource();
            Accept(Listen(Port), _running.Token);
        }
    }

    TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        lock (_gate) _listener = listener;
        return listener;
    }

    void Accept(TcpListener listener, CancellationToken stop) => _ = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop); }
            catch (Exception) { return; } // cut or disposed
            _ = RelayAsync(client, stop);
        }
    });

    async Task RelayAsync(TcpClient client, CancellationToken stop)
    {
        var target = new TcpClient();
        var id = Guid.NewGuid();
        try
        {
            await target.ConnectAsync(_targetHost, _targetPort, stop);
            client.NoDelay = target.NoDelay = true;
            _open[id] = (client, target);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var up = Pump(client.GetStream(), target.GetStream(), either.Token);
            var down = Pump(target.GetStream(), client.GetStream(), either.Token);
            await Task.WhenAny(up, down);
            either.Cancel();
        }
        catch (Exception) { /* a side went away */ }
        finally
        {
            _open.TryRemove(id, out _);
            Abort(client);
            Abort(target);
        }
    }

    static async Task Pump(NetworkStream from, NetworkStream to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        catch (Exception) { /* cut, reset or closed */ }
    }

    /// <summary>Closes with a reset (linger 0), as a crashed service's connections end, not a polite FIN.</summary>
    static void Abort(TcpClient tcp)
    {
        try { tcp.Client.LingerState = new LingerOption(true, 0); } catch (Exception) { }
        tcp.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
