namespace Credits.StripeEmulator.State;

/// <summary>
/// Accepted meter events, indexed by identifier (the 24-hour dedupe) and by event name and customer
/// (summaries and invoices), so neither scans every event ever received.
/// </summary>
public sealed class MeterEventLog
{
    private readonly Dictionary<string, MeterEventRecord> _byIdentifier = new(StringComparer.Ordinal);
    private readonly Dictionary<(string EventName, string Customer), List<MeterEventRecord>> _byCustomer = [];

    public MeterEventRecord? ByIdentifier(string identifier) => _byIdentifier.GetValueOrDefault(identifier);

    public IReadOnlyList<MeterEventRecord> For(string eventName, string customer) =>
        _byCustomer.TryGetValue((eventName, customer), out var list) ? list : [];

    /// <summary>Records an event; an identifier older than the dedupe window is reused by the newer event.</summary>
    public void Add(MeterEventRecord record)
    {
        _byIdentifier[record.Identifier] = record;
        var key = (record.EventName, record.Customer);
        if (!_byCustomer.TryGetValue(key, out var list)) _byCustomer[key] = list = [];
        list.Add(record);
    }

    /// <summary>Every event, in the order received (for snapshots).</summary>
    public IEnumerable<MeterEventRecord> All() => _byCustomer.Values.SelectMany(l => l).OrderBy(e => e.ReceivedAt);

    public void Clear()
    {
        _byIdentifier.Clear();
        _byCustomer.Clear();
    }
}
