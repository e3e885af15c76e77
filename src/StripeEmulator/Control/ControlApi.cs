using System.Text.Json;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.Resources;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Control;

/// <summary>
/// Test controls under <c>/_emulator</c> (no authentication: the emulator is for local use). Not part
/// of Stripe: tests that use them cannot run against real Stripe.
/// </summary>
public static class ControlApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_emulator");
        control.MapPost("/reset", Reset);
        control.MapGet("/faults", (Faults faults) => Results.Json(faults.Rules, Json));
        control.MapPost("/faults", async (HttpContext http, Faults faults) =>
        {
            var rule = await JsonSerializer.DeserializeAsync<FaultRule>(http.Request.Body, Json) ?? new FaultRule();
            if (rule.Rate is < 0 or > 1) return Results.BadRequest("rate must be between 0 and 1");
            faults.Add(rule);
            return Results.Json(rule, Json);
        });
        control.MapDelete("/faults", (Faults faults) => { faults.Clear(); return Results.NoContent(); });
        control.MapDelete("/faults/{id}", (Faults faults, string id) => faults.Remove(id) ? Results.NoContent() : Results.NotFound());
        control.MapPost("/config", Configure);
        control.MapGet("/deliveries", (WebhookDispatcher d) => Results.Json(new { pending = d.Pending, attempts = d.Attempts.ToArray() }, Json));
        control.MapPost("/deliveries/retry", (WebhookDispatcher d) => Results.Json(new { retried = d.RetryWaitingNow() }, Json));
        control.MapPost("/webhooks/chaos", async (HttpContext http, WebhookDispatcher d) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject ?? [];
            d.Chaos.DuplicateRate = (double?)body["duplicateRate"] ?? 0;
            d.Chaos.ReorderWindow = TimeSpan.FromMilliseconds((double?)body["reorderWindowMs"] ?? 0);
            return Results.Json(d.Chaos, Json);
        });
        control.MapPost("/meter_event_sessions/expire", (HttpContext http) =>
            Results.Json(new { expired = WorldAccess.Change(http, w => ExpireSessions(w)) }, Json));
        // card: a test token (default pm_card_visa); save=true: the buyer ticks "save my card" where the session offers it.
        control.MapPost("/checkout/{id}/complete", (HttpContext http, string id, string? card, bool? save) =>
            Checkout(http, id, w => CheckoutFlow.Pay(w, Session(w, id), card ?? "pm_card_visa", save == true)));
        control.MapPost("/checkout/{id}/decline", (HttpContext http, string id) =>
            Checkout(http, id, w => CheckoutFlow.Pay(w, Session(w, id), "pm_card_chargeDeclined")));
        control.MapPost("/checkout/{id}/expire", (HttpContext http, string id) =>
            Checkout(http, id, w => CheckoutFlow.Expire(w, Session(w, id))));
        // A card issuer's dispute of a charge (optionally of part of it), then its outcome: Resources/Disputes.cs.
        control.MapPost("/charges/{id}/dispute", (HttpContext http, string id, long? amount, string? reason) =>
            Checkout(http, id, w => Disputes.Create(w, w.Store.Get("charge", id, "charge"), amount, reason ?? "fraudulent")));
        control.MapPost("/disputes/{id}/close", (HttpContext http, string id, string outcome) =>
            Checkout(http, id, w => Disputes.Close(w, Disputes.Open(w.Store.Get("dispute", id, "dispute")), outcome)));
    }

    private static JsonObject Session(World w, string id) => w.Store.Get("checkout.session", id, "checkout session");

    /// <summary>Runs a change of the world and answers the changed object, or Stripe's error envelope.</summary>
    private static IResult Checkout(HttpContext http, string id, Func<World, JsonObject> action)
    {
        try { return Results.Content(WorldAccess.Change(http, action).ToJsonString(), "application/json"); }
        catch (StripeApiException e) { return Results.Content(e.ToEnvelope(RequestId.Of(http)).ToJsonString(), "application/json", null, e.Status); }
    }

    private static int ExpireSessions(World w)
    {
        foreach (var token in w.Store.MeterEventSessions.Keys.ToList()) w.Store.MeterEventSessions[token] = DateTimeOffset.MinValue;
        return w.Store.MeterEventSessions.Count;
    }

    private static IResult Reset(HttpContext http, IdempotencyKeys keys, Faults faults, WebhookDispatcher dispatcher)
    {
        WorldAccess.Change(http, w => { w.Store.Clear(); return 0; });
        keys.Clear();
        faults.Clear();
        dispatcher.Chaos.Restore();
        dispatcher.ClearLog();
        return Results.NoContent();
    }

    /// <summary>Changes settings at run time: <c>aggregationDelayMs</c>, <c>meterEventSessionLifetimeMs</c>, <c>webhookRetryDelayMs</c>.</summary>
    private static async Task<IResult> Configure(HttpContext http, IOptions<EmulatorOptions> options)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject ?? [];
        var o = options.Value;
        if ((double?)body["aggregationDelayMs"] is { } delay and >= 0) o.AggregationDelay = TimeSpan.FromMilliseconds(delay);
        if ((double?)body["meterEventSessionLifetimeMs"] is { } life and > 0) o.MeterEventSessionLifetime = TimeSpan.FromMilliseconds(life);
        if ((double?)body["webhookRetryDelayMs"] is { } retry and > 0) o.WebhookRetryDelay = TimeSpan.FromMilliseconds(retry);
        return Results.Json(new
        {
            aggregationDelayMs = o.AggregationDelay.TotalMilliseconds,
            meterEventSessionLifetimeMs = o.MeterEventSessionLifetime.TotalMilliseconds,
            webhookRetryDelayMs = o.WebhookRetryDelay.TotalMilliseconds,
        }, Json);
    }
}
