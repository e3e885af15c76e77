using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.State;

/// <summary>
/// All emulated Stripe state, in memory. Every API request runs under <see cref="Gate"/>, so a request
/// (for example one subscription update touching several items, its invoice and its events) is atomic
/// and requests are serialised like Stripe's per-object locks, only coarser. Kept across restarts only
/// when <c>StateFile</c> is configured (<see cref="StateSnapshot"/>).
/// </summary>
public sealed class EmulatorStore
{
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonObject>> _byType = new(StringComparer.Ordinal);

    public object Gate { get; } = new();

    public MeterEventLog MeterEvents { get; } = new();

    /// <summary>v2 meter event session tokens and when each expires.</summary>
    public Dictionary<string, DateTimeOffset> MeterEventSessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Proration and usage lines waiting for a subscription's next invoice.</summary>
    public Dictionary<string, List<JsonObject>> PendingLines { get; } = new(StringComparer.Ordinal);

    /// <summary>Payment methods resolved from test tokens (<c>pm_card_visa</c>) per customer.</summary>
    public Dictionary<(string Customer, string Token), string> ResolvedTokens { get; } = [];

    /// <summary>
    /// A payment-mode checkout session's <c>payment_intent_data</c> (metadata, setup_future_usage, description): the
    /// session does not show it, the PaymentIntent made when the buyer pays takes it.
    /// </summary>
    public Dictionary<string, JsonObject> CheckoutIntentData { get; } = new(StringComparer.Ordinal);

    public void Add(JsonObject obj)
    {
        var id = (string)obj["id"]!;
        var type = (string)obj["object"]!;
        _byId[id] = obj;
        if (!_byType.TryGetValue(type, out var list)) _byType[type] = list = [];
        list.Add(obj);
    }

    public void Remove(string id)
    {
        if (!_byId.Remove(id, out var obj)) return;
        _byType[(string)obj["object"]!].Remove(obj);
    }

    public JsonObject? Find(string id) => _byId.GetValueOrDefault(id);

    public JsonObject Get(string type, string id, string kind, string param = "id") =>
        _byId.TryGetValue(id, out var obj) && (string?)obj["object"] == type
            ? obj
            : throw StripeApiException.NoSuchResource(kind, id, param);

    /// <summary>Objects of one type, newest first (Stripe's list order).</summary>
    public IEnumerable<JsonObject> All(string type) =>
        _byType.TryGetValue(type, out var list) ? Enumerable.Reverse(list) : [];

    /// <summary>Every object, each type in creation order (for snapshots).</summary>
    public IEnumerable<JsonObject> Everything() => _byType.Values.SelectMany(list => list);

    public void Clear()
    {
        _byId.Clear();
        _byType.Clear();
        MeterEvents.Clear();
        MeterEventSessions.Clear();
        PendingLines.Clear();
        ResolvedTokens.Clear();
        CheckoutIntentData.Clear();
    }
}
