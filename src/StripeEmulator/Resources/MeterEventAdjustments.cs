using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>Cancelling a meter event by identifier, within 24 hours of receiving it (v1 and v2).</summary>
public static class MeterEventAdjustments
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/billing/meter_event_adjustments", Api.Handle(c =>
        {
            var (eventName, identifier) = Cancel(c);
            return new JsonObject
            {
                ["object"] = "billing.meter_event_adjustment",
                ["cancel"] = new JsonObject { ["identifier"] = identifier },
                ["event_name"] = eventName,
                ["livemode"] = false,
                ["status"] = "complete",
                ["type"] = "cancel",
            };
        }));
        api.MapPost("/v2/billing/meter_event_adjustments", Api.Handle(c =>
        {
            var (eventName, identifier) = Cancel(c);
            return new JsonObject
            {
                ["id"] = Ids.New("mea"),
                ["object"] = "v2.billing.meter_event_adjustment",
                ["cancel"] = new JsonObject { ["identifier"] = identifier },
                ["created"] = MeterEvents.Iso(c.Clocks.WallTime),
                ["event_name"] = eventName,
                ["livemode"] = false,
                ["status"] = "complete",
                ["type"] = "cancel",
            };
        }));
    }

    private static (string EventName, string Identifier) Cancel(ApiCall c)
    {
        var eventName = c.Params.Required("event_name");
        if ((c.Params.String("type") ?? "cancel") != "cancel") throw StripeApiException.InvalidParam("type", "Only type=cancel is supported.");
        var identifier = c.Params.Required("cancel.identifier");
        var wall = c.Clocks.WallTime;
        var record = c.Store.MeterEvents.ByIdentifier(identifier) is { } found && found.EventName == eventName
            ? found
            : throw StripeApiException.Invalid($"No meter event found with identifier {identifier}.", "cancel[identifier]", "resource_missing");
        if (wall - record.ReceivedAt > TimeSpan.FromHours(24))
            throw StripeApiException.Invalid("Meter events can only be cancelled within 24 hours.", "cancel[identifier]");
        record.Cancelled = true;
        return (eventName, identifier);
    }
}
