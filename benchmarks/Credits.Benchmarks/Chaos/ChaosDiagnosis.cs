using System.Text.Json;
using Credits.Testing;
using Npgsql;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// What an operator would look at when the soak stops making progress, printed before the run gives up: the broker's
/// alarms and limits (a memory or disk alarm blocks every publisher), the virtual host's connections, every queue that
/// is not running or has messages and no consumer, each quorum queue's Raft group (one without a leader refuses or
/// never confirms publishes, and no consumer can declare it), the producers' failure counters, PostgreSQL's sessions, and which hosts are up. Each line starts
/// with DIAGNOSIS, so the short soak's test (which prints only a few kinds of line) shows them.
/// </summary>
public static class ChaosDiagnosis
{
    public static async Task PrintAsync(ChaosSystem system, UsageBook? book, string why)
    {
        Say($"{why}; what the services look like:");
        foreach (var line in await DescribeAsync(system, book)) Say($"  {line}");
    }

    static async Task<List<string>> DescribeAsync(ChaosSystem system, UsageBook? book)
    {
        var lines = new List<string>();
        // Before the load (a host that does not start) there are no producers to describe.
        if (book is not null)
            lines.Add($"producers: {book.AcknowledgedCount:N0} of {book.Total:N0} acknowledged; {book.PublishFailures:N0} publishes unconfirmed, " +
                $"HTTP {book.Http503:N0} x 503, {book.Http502:N0} x 502, {book.HttpTimeouts:N0} no answer, {book.Http500:N0} x 500");
        lines.Add($"host processes (Orchestrator 0, 1, Gateway 0, 1): {string.Join(", ", system.ProcessIds.Select(p => p?.ToString() ?? "down"))}");
        using var http = RabbitMqVirtualHost.CreateManagementClient();
        http.Timeout = TimeSpan.FromSeconds(10);
        await AddAsync(lines, "broker", async () =>
        {
            using var nodes = JsonDocument.Parse(await http.GetStringAsync("api/nodes"));
            return nodes.RootElement.EnumerateArray().Select(n =>
                $"node {Text(n, "name")}: running {Text(n, "running")}, memory {Text(n, "mem_used")} of {Text(n, "mem_limit")} (alarm {Text(n, "mem_alarm")}), " +
                $"disk free {Text(n, "disk_free")} over {Text(n, "disk_free_limit")} (alarm {Text(n, "disk_free_alarm")}), " +
                $"file descriptors {Text(n, "fd_used")} of {Text(n, "fd_total")}, sockets {Text(n, "sockets_used")} of {Text(n, "sockets_total")}, " +
                $"processes {Text(n, "proc_used")} of {Text(n, "proc_total")}, up {Text(n, "uptime")} ms").ToList();
        });
        var vhost = Uri.EscapeDataString(system.VirtualHost.Name);
        await AddAsync(lines, "connections", async () =>
        {
            using var connections = JsonDocument.Parse(await http.GetStringAsync($"api/vhosts/{vhost}/connections"));
            var groups = connections.RootElement.EnumerateArray()
                .GroupBy(c => $"{(c.TryGetProperty("client_properties", out var p) ? Text(p, "connection_name") : "?")} {Text(c, "state")}")
                .Select(g => $"{g.Count()} x {g.Key}");
            return [$"connections: {string.Join(", ", groups)}"];
        });
        await AddAsync(lines, "queues", async () =>
        {
            using var queues = JsonDocument.Parse(await http.GetStringAsync(
                $"api/queues/{vhost}?columns=name,type,state,messages,messages_unacknowledged,consumers,leader,online,members"));
            var all = queues.RootElement.EnumerateArray().ToList();
            var odd = all.Where(q => Text(q, "state") != "running" || (Number(q, "messages") > 0 && Number(q, "consumers") == 0)
                    || (Text(q, "type") == "quorum" && Text(q, "leader") == "?"))
                .Select(q => $"queue {Text(q, "name")} ({Text(q, "type")}): state {Text(q, "state")}, {Text(q, "messages")} messages " +
                    $"({Text(q, "messages_unacknowledged")} unacknowledged), {Text(q, "consumers")} consumers, leader {Text(q, "leader")}, online {Text(q, "online")}");
            return [$"{all.Count} queues, {all.Sum(q => Number(q, "messages")):N0} messages, {all.Count(q => Text(q, "state") == "running")} running", .. odd];
        });
        await AddAsync(lines, "quorum queues", async () =>
        [
            "Raft groups: " + string.Join(' ', (await ChaosServices.ReadAsync("quorum-leaders", system.VirtualHost.Name)).Split('\n', StringSplitOptions.TrimEntries)),
        ]);
        await AddAsync(lines, "PostgreSQL", async () =>
        {
            await using var connection = new NpgsqlConnection(system.ConnectionString + ";Timeout=5");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT coalesce(state, '?') || ' ' || count(*) FROM pg_stat_activity WHERE datname = current_database() GROUP BY state", connection);
            var states = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) states.Add(reader.GetString(0));
            return [$"PostgreSQL sessions: {string.Join(", ", states)}"];
        });
        var errors = system.HostErrors().Split('\n');
        lines.Add("the hosts' last warnings and errors:");
        lines.AddRange(errors.TakeLast(25).Select(l => "  " + l[..Math.Min(300, l.Length)]));
        return lines;
    }

    static async Task AddAsync(List<string> lines, string what, Func<Task<List<string>>> describe)
    {
        try { lines.AddRange(await describe()); }
        catch (Exception e) { lines.Add($"{what}: could not be read ({e.GetType().Name}: {e.Message})"); }
    }

    static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.ToString() : "?";

    static long Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    static void Say(string text) => ChaosScenario.Say($"DIAGNOSIS {text}");
}
