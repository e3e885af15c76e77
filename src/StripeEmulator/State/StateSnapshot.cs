using System.Text.Json;
using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.State;

/// <summary>Writes the store to a JSON file and reads it back (objects, meter events, sessions, pending lines).</summary>
public static class StateSnapshot
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Call under the store's gate. Writes to a temporary file first so a crash never leaves half a snapshot.</summary>
    public static void Save(EmulatorStore store, string path)
    {
        var snapshot = new JsonObject
        {
            ["objects"] = new JsonArray(store.Everything().Select(o => (JsonNode)o.DeepClone()).ToArray()),
            ["meterEvents"] = JsonSerializer.SerializeToNode(store.MeterEvents.All(), Json),
            ["meterEventSessions"] = JsonSerializer.SerializeToNode(store.MeterEventSessions, Json),
            ["pendingLines"] = new JsonObject(store.PendingLines.Select(kv =>
                KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(l => (JsonNode)l.DeepClone()).ToArray())))),
            ["resolvedTokens"] = new JsonArray(store.ResolvedTokens.Select(kv => (JsonNode)new JsonObject
            {
                ["customer"] = kv.Key.Customer, ["token"] = kv.Key.Token, ["paymentMethod"] = kv.Value,
            }).ToArray()),
            ["checkoutIntentData"] = new JsonObject(store.CheckoutIntentData.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.DeepClone()))),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, snapshot.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Call before the emulator serves requests.</summary>
    public static void Load(EmulatorStore store, string path)
    {
        if (!File.Exists(path)) return;
        var snapshot = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        store.Clear();
        foreach (var obj in snapshot["objects"]!.AsArray()) store.Add(obj!.DeepClone().AsObject());
        foreach (var e in snapshot["meterEvents"].Deserialize<List<MeterEventRecord>>(Json) ?? []) store.MeterEvents.Add(e);
        foreach (var (token, expires) in snapshot["meterEventSessions"].Deserialize<Dictionary<string, DateTimeOffset>>(Json) ?? [])
            store.MeterEventSessions[token] = expires;
        foreach (var (subscription, lines) in snapshot["pendingLines"]!.AsObject())
            store.PendingLines[subscription] = lines!.AsArray().Select(l => l!.DeepClone().AsObject()).ToList();
        foreach (var t in snapshot["resolvedTokens"]!.AsArray())
            store.ResolvedTokens[((string)t!["customer"]!, (string)t["token"]!)] = (string)t["paymentMethod"]!;
        if (snapshot["checkoutIntentData"] is JsonObject intentData) // absent in snapshots written before it existed
            foreach (var (session, data) in intentData) store.CheckoutIntentData[session] = data!.DeepClone().AsObject();
    }
}
