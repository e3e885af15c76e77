using System.Net;
using System.Net.Sockets;

namespace Credits.Testing;

/// <summary>
/// Ports for the hosts the tests start. A host is given its port before it binds it, a second or two later. Ports from
/// the kernel's ephemeral range (bind to port 0) can be taken in that window: by any outgoing connection, or by another
/// test process's host given the same port. CI saw a test class talk to another suite's Gateway that way (every request
/// 401, 2026-12-03). So ports are drawn at random below the ephemeral range, where the kernel never hands out ports by
/// itself, never twice in one process, and each is checked free before it is handed out. Callers ask
/// <see cref="HostProcess.FreePort"/>, next to the hosts that use the ports.
/// </summary>
static class FreePorts
{
    // Linux's default ip_local_port_range starts at 32768; below it and above the well-known services' usual ports.
    const int First = 20_000;
    const int Last = 32_000;

    static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
                if (HandedOut.Contains(port) || !IsFree(port)) continue;
                HandedOut.Add(port);
                return port;
            }
        }
        // Every draw taken: fall back to the kernel's choice rather than fail.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
