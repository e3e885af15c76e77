using System.Globalization;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// Meter events over v1 (<c>billing.meter_event</c>) and v2 (<c>v2.billing.meter_event</c>): the
/// identifier is unique over 24 hours, timestamps at most 35 days old and 5 minutes ahead (of the
/// customer's test clock when it has one).
/// </summary>
public static class MeterEvents
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/billing/meter_events", Api.Handle(c => V1(Accept(c, c.Params, strict: true))));
        api.MapPost("/v2/billing/meter_events", Api.Handle(c => V2(Accept(c, c.Params, strict: true))));
    }

    /// <summary>Validates and records one event. Non-strict (the stream) drops bad events silently, as Stripe reports them asynchronously.</summary>
    public static MeterEventRecord? Accept(ApiCall c, StripeParams p, bool strict)
    {
        try
        {
            return Record(c, p);
        }
        catch (StripeApiException) when (!strict)
        {
            return null;
        }
    }

    private static MeterEventRecord Record(ApiCall c, StripeParams p)
    {
        var eventName = p.Required("event_name");
        var meter = BillingMeters.ActiveByEventName(c.Store, eventName)
            ?? throw StripeApiException.Invalid($"No active meter found with event_name `{eventName}`.", "event_name");
        var customerKey = (string)meter["customer_mapping"]!["event_payload_key"]!;
        var valueKey = (string)meter["value_settings"]!["event_payload_key"]!;
        var customer = p.String($"payload.{customerKey}") ?? throw StripeApiException.MissingParam($"payload[{customerKey}]");
        var rawValue = p.String($"payload.{valueKey}") ?? "1";
        if (!decimal.TryParse(rawValue, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            throw StripeApiException.InvalidParam($"payload[{valueKey}]", $"The value must be a number; got `{rawValue}`.");
        var now = c.Clocks.NowForCustomer(customer);
        var timestamp = p.Timestamp("timestamp") ?? now;
        if (timestamp < now - (long)TimeSpan.FromDays(35).TotalSeconds || timestamp > now + 300)
            throw StripeApiException.InvalidParam("timestamp", "Timestamp must be within the past 35 days and not more than 5 minutes in the future.");
        var identifier = p.String("identifier") is { Length: > 0 } given ? given : Ids.Random(32);
        var wall = c.Clocks.WallTime;
        if (c.Store.MeterEvents.ByIdentifier(identifier) is { } earlier && wall - earlier.ReceivedAt < TimeSpan.FromHours(24))
            throw StripeApiException.Invalid($"An event already exists with identifier {identifier}.", "identifier");
        var record = new MeterEventRecord(identifier, eventName, customer, value, timestamp, wall);
        c.Store.MeterEvents.Add(record);
        return record;
    }

    private static JsonObject Payload(MeterEventRecord e) => new()
    {
        ["stripe_customer_id"] = e.Customer,
        ["value"] = e.Value.ToString(CultureInfo.InvariantCulture),
    };

    private static JsonObject V1(MeterEventRecord? e) => new()
    {
        ["object"] = "billing.meter_event",
        ["created"] = e!.ReceivedAt.ToUnixTimeSeconds(),
        ["event_name"] = e.EventName,
        ["identifier"] = e.Identifier,
        ["livemode"] = false,
        ["payload"] = Payload(e),
        ["timestamp"] = e.Timestamp,
    };

    private static JsonObject V2(MeterEventRecord? e) => new()
    {
        ["object"] = "v2.billing.meter_event",
        ["created"] = Iso(e!.ReceivedAt),
        ["event_name"] = e.EventName,
        ["identifier"] = e.Identifier,
        ["livemode"] = false,
        ["payload"] = Payload(e),
        ["timestamp"] = Iso(DateTimeOffset.FromUnixTimeSeconds(e.Timestamp)),
    };

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
