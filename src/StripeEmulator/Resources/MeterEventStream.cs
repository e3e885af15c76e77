using System.Text.Json.Nodes;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// The v2 high-throughput path: a <c>meter_event_session</c> hands out a token valid for 15 minutes
/// (configurable); <c>meter_event_stream</c> on MeterEventsBase takes up to 100 events per request,
/// answers 200 <c>{}</c> (Stripe.net treats any other status as an error), and drops invalid or duplicate events silently (Stripe reports them asynchronously).
/// An expired token gets 401 <c>temporary_session_expired</c> in <see cref="Authentication"/>.
/// </summary>
public static class MeterEventStream
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/v2/billing/meter_event_session", Api.Handle(CreateSession));
        api.MapPost("/v2/billing/meter_event_stream", Api.Handle(Stream));
    }

    private static JsonNode CreateSession(ApiCall c)
    {
        var created = c.Clocks.WallTime;
        var expires = created + c.Options.MeterEventSessionLifetime;
        var token = "mes_tok_" + Ids.Random(32);
        c.Store.MeterEventSessions[token] = expires;
        return new JsonObject
        {
            ["id"] = Ids.New("mes"),
            ["object"] = "v2.billing.meter_event_session",
            ["authentication_token"] = token,
            ["created"] = MeterEvents.Iso(created),
            ["expires_at"] = MeterEvents.Iso(expires),
            ["livemode"] = false,
        };
    }

    private static JsonNode Stream(ApiCall c)
    {
        var events = c.Params.Objects("events");
        if (events.Count == 0) throw StripeApiException.MissingParam("events");
        if (events.Count > 100) throw StripeApiException.InvalidParam("events", "At most 100 events per request.");
        foreach (var e in events) MeterEvents.AcceptFromStream(c, e);
        return new JsonObject();
    }
}
