using System.Text.Json.Nodes;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>A meter's aggregate for one customer over <c>[start, end)</c> (meter event timestamps).</summary>
public static class MeterUsage
{
    public static decimal Aggregate(EmulatorStore store, JsonObject meter, string customer, long start, long end, DateTimeOffset? visibleBefore = null)
    {
        var eventName = (string)meter["event_name"]!;
        var events = store.MeterEvents.For(eventName, customer)
            .Where(e => !e.Cancelled && e.Timestamp >= start && e.Timestamp < end)
            .Where(e => visibleBefore is null || e.ReceivedAt <= visibleBefore)
            .OrderBy(e => e.Timestamp)
            .ToList();
        return (string?)meter["default_aggregation"]?["formula"] switch
        {
            "count" => events.Count,
            "last" => events.Count == 0 ? 0 : events[^1].Value,
            _ => events.Sum(e => e.Value),
        };
    }
}
