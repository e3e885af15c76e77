using System.Globalization;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// Meter events over v1 (<c>billing.meter_event</c>) and v2 (<c>v2.billing.meter_event</c>): the
/// identifier is unique over 24 hours (a repeat is refused with Stripe's own error body, which differs
/// between v1 and v2), timestamps at most 35 days old and 5 minutes ahead (of the customer's test clock
/// when it has one). Accepted events reach summaries and invoices only after the aggregation delay.
/// </summary>
public static class MeterEvents
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/billing/meter_events", Api.Handle(c => V1(Record(c, c.Params, DuplicateV1))));
        api.MapPost("/v2/billing/meter_events", Api.Handle(c => V2(Record(c, c.Params, DuplicateV2))));
    }

    /// <summary>
    /// Validates and records one event of the v2 stream. Bad or duplicate events are dropped silently:
    /// the stream validates asynchronously and answers 200 for the batch (Stripe reports invalid events
    /// later, in <c>v1.billing.meter.error_report_triggered</c>, which the emulator does not send).
    /// </summary>
    public static MeterEventRecord? AcceptFromStream(ApiCall c, StripeParams p)
    {
        try
        {
            return Record(c, p, DuplicateV1);
        }
        catch (StripeApiException)
        {
            return null;
        }
    }

    /// <summary>
    /// v1's refusal of an identifier it already holds, as Stripe answers it: 400
    /// <c>invalid_request_error</c> with no <c>code</c> and no <c>param</c>, the identifier in the
    /// message, and <c>Stripe-Should-Retry: false</c> (observed by integrators; e.g.
    /// https://github.com/langfuse/langfuse/pull/16292).
    /// </summary>
    public static StripeApiException DuplicateV1(string identifier) =>
        new(400, "invalid_request_error", null, $"An event already exists with identifier {identifier}.")
        {
            Headers = new Dictionary<string, string> { ["Stripe-Should-Retry"] = "false" },
        };

    /// <summary>
    /// v2's documented refusal (<c>v2.error.duplicate_meter_event</c> in Stripe's OpenAPI spec): 400 with
    /// <c>code: duplicate_meter_event</c>.
    /// </summary>
    public const int MaxIdentifierLength = 100;

    public static StripeApiException DuplicateV2(string identifier) =>
        new(400, "invalid_request_error", "duplicate_meter_event", "A meter event with a duplicate identifier has already been submitted.")
        {
            Headers = new Dictionary<string, string> { ["Stripe-Should-Retry"] = "false" },
        };

    private static MeterEventRecord Record(ApiCall c, StripeParams p, Func<string, StripeApiException> duplicate)
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
        // Stripe's API reference: "identifier ... Max length: 100" (billing.meter_event create; stripe-node's and
        // tiger_stripe's generated params, https://hexdocs.pm/tiger_stripe/StripeElixir.Params.Billing.MeterEventCreateParams.html).
        if (identifier.Length > MaxIdentifierLength)
            throw StripeApiException.InvalidParam("identifier", $"Invalid string: {identifier[..20]}...; must be at most {MaxIdentifierLength} characters");
        var wall = c.Clocks.WallTime;
        if (c.Store.MeterEvents.ByIdentifier(identifier) is { } earlier && wall - earlier.ReceivedAt < TimeSpan.FromHours(24))
            throw duplicate(identifier);
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
