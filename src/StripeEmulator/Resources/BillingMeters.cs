using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary><c>billing.meter</c> and its <c>billing.meter_event_summary</c> list.</summary>
public static class BillingMeters
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/billing/meters", Api.Handle(Create));
        api.MapGet("/v1/billing/meters/{id}", Api.Handle(c => c.Store.Get("billing.meter", c.Route("id"), "billing meter")));
        api.MapPost("/v1/billing/meters/{id}", Api.Handle(Update));
        api.MapPost("/v1/billing/meters/{id}/deactivate", Api.Handle(c => SetStatus(c, "inactive")));
        api.MapPost("/v1/billing/meters/{id}/reactivate", Api.Handle(c => SetStatus(c, "active")));
        api.MapGet("/v1/billing/meters", Api.Handle(c =>
            Lists.Page(c.Store.All("billing.meter").Where(c.Params, "status"), c.Params, "/v1/billing/meters")));
        api.MapGet("/v1/billing/meters/{id}/event_summaries", Api.Handle(Summaries));
    }

    public static JsonObject? ActiveByEventName(EmulatorStore store, string eventName) =>
        store.All("billing.meter").FirstOrDefault(m => (string?)m["event_name"] == eventName && (string?)m["status"] == "active");

    private static JsonNode Create(ApiCall c)
    {
        var p = c.Params;
        var eventName = p.Required("event_name");
        if (ActiveByEventName(c.Store, eventName) is not null)
            throw StripeApiException.Invalid($"An active meter with event_name `{eventName}` already exists.", "event_name");
        var formula = p.Required("default_aggregation.formula");
        if (formula is not ("sum" or "count" or "last"))
            throw StripeApiException.InvalidParam("default_aggregation[formula]", $"Invalid formula: {formula}");
        var now = c.Clocks.WallNow;
        var meter = new JsonObject
        {
            ["id"] = Ids.New("mtr"),
            ["object"] = "billing.meter",
            ["created"] = now,
            ["customer_mapping"] = new JsonObject
            {
                ["event_payload_key"] = p.String("customer_mapping.event_payload_key") ?? "stripe_customer_id",
                ["type"] = "by_id",
            },
            ["default_aggregation"] = new JsonObject { ["formula"] = formula },
            ["display_name"] = p.Required("display_name"),
            ["event_name"] = eventName,
            ["event_time_window"] = p.String("event_time_window"),
            ["livemode"] = false,
            ["status"] = "active",
            ["status_transitions"] = new JsonObject { ["deactivated_at"] = null },
            ["updated"] = now,
            ["value_settings"] = new JsonObject { ["event_payload_key"] = p.String("value_settings.event_payload_key") ?? "value" },
        };
        c.Store.Add(meter);
        return meter;
    }

    private static JsonNode Update(ApiCall c)
    {
        var meter = c.Store.Get("billing.meter", c.Route("id"), "billing meter");
        if (c.Params.String("display_name") is { Length: > 0 } name) meter["display_name"] = name;
        meter["updated"] = c.Clocks.WallNow;
        return meter;
    }

    private static JsonNode SetStatus(ApiCall c, string status)
    {
        var meter = c.Store.Get("billing.meter", c.Route("id"), "billing meter");
        if (status == "active" && ActiveByEventName(c.Store, (string)meter["event_name"]!) is { } other && other != meter)
            throw StripeApiException.Invalid("Another active meter uses this event_name.");
        meter["status"] = status;
        meter["status_transitions"]!["deactivated_at"] = status == "inactive" ? c.Clocks.WallNow : null;
        meter["updated"] = c.Clocks.WallNow;
        return meter;
    }

    /// <summary>
    /// Aggregates over <c>[start_time, end_time)</c>, in hour or day windows when asked. Events show up
    /// only after the configured aggregation delay, like Stripe's eventually consistent summaries.
    /// </summary>
    private static JsonNode Summaries(ApiCall c)
    {
        var meter = c.Store.Get("billing.meter", c.Route("id"), "billing meter");
        var customer = c.Params.Required("customer");
        var start = c.Params.Timestamp("start_time") ?? throw StripeApiException.MissingParam("start_time");
        var end = c.Params.Timestamp("end_time") ?? throw StripeApiException.MissingParam("end_time");
        if (end <= start) throw StripeApiException.InvalidParam("end_time", "end_time must be after start_time.");
        var visibleBefore = c.Clocks.WallTime - c.Options.AggregationDelay;
        var window = c.Params.String("value_grouping_window") switch
        {
            null or "" => end - start,
            "hour" => 3600,
            "day" => 86400,
            var w => throw StripeApiException.InvalidParam("value_grouping_window", $"Invalid window: {w}"),
        };
        var summaries = new List<JsonObject>();
        for (var from = start; from < end; from += window)
        {
            var to = Math.Min(from + window, end);
            var value = MeterUsage.Aggregate(c.Store, meter, customer, from, to, visibleBefore);
            if (window != end - start && value == 0) continue;
            summaries.Add(new JsonObject
            {
                ["id"] = $"mtrusg_{meter["id"]}_{from}",
                ["object"] = "billing.meter_event_summary",
                ["aggregated_value"] = value,
                ["end_time"] = to,
                ["livemode"] = false,
                ["meter"] = (string)meter["id"]!,
                ["start_time"] = from,
            });
        }
        return Lists.Page(summaries, c.Params, $"/v1/billing/meters/{meter["id"]}/event_summaries");
    }
}
