using System.Text.Json.Nodes;
using Credits.StripeEmulator.Control;
using Credits.StripeEmulator.Http;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// <c>test_helpers.test_clock</c>. Advancing answers at once with status <c>advancing</c>; the
/// <see cref="TestClockRunner"/> then moves attached subscriptions through their period ends and sets
/// the status to <c>ready</c> (poll it, or wait for <c>test_helpers.test_clock.ready</c>).
/// </summary>
public static class TestClocks
{
    public static void Map(IEndpointRouteBuilder api)
    {
        const string path = "/v1/test_helpers/test_clocks";
        api.MapPost(path, Api.Handle(Create));
        api.MapGet(path + "/{id}", Api.Handle(c => Get(c)));
        api.MapGet(path, Api.Handle(c => Lists.Page(c.Store.All("test_helpers.test_clock"), c.Params, path)));
        api.MapDelete(path + "/{id}", Api.Handle(c =>
        {
            var clock = Get(c);
            c.Store.Remove((string)clock["id"]!);
            return Api.Deleted((string)clock["id"]!, "test_helpers.test_clock");
        }));
        api.MapPost(path + "/{id}/advance", Api.Handle(Advance));
    }

    private static JsonObject Get(ApiCall c) => c.Store.Get("test_helpers.test_clock", c.Route("id"), "test clock");

    private static JsonNode Create(ApiCall c)
    {
        var frozen = c.Params.Timestamp("frozen_time") ?? throw StripeApiException.MissingParam("frozen_time");
        var clock = new JsonObject
        {
            ["id"] = Ids.New("clock"),
            ["object"] = "test_helpers.test_clock",
            ["created"] = c.Clocks.WallNow,
            ["deletes_after"] = c.Clocks.WallNow + 30 * 86400,
            ["frozen_time"] = frozen,
            ["livemode"] = false,
            ["name"] = c.Params.String("name"),
            ["status"] = "ready",
            ["status_details"] = new JsonObject(),
        };
        c.Store.Add(clock);
        c.Emit("test_helpers.test_clock.created", clock);
        return clock;
    }

    private static JsonNode Advance(ApiCall c)
    {
        var clock = Get(c);
        var target = c.Params.Timestamp("frozen_time") ?? throw StripeApiException.MissingParam("frozen_time");
        if ((string)clock["status"]! != "ready")
            throw StripeApiException.Invalid("The test clock is already advancing; wait until its status is ready.", null, "test_clock_not_ready");
        if (target <= (long)clock["frozen_time"]!)
            throw StripeApiException.InvalidParam("frozen_time", "The frozen_time must be after the test clock's current frozen_time.");
        clock["status"] = "advancing";
        clock["status_details"] = new JsonObject { ["advancing"] = new JsonObject { ["target_frozen_time"] = target } };
        c.Emit("test_helpers.test_clock.advancing", clock);
        c.Service<TestClockRunner>().Start((string)clock["id"]!, target);
        return clock;
    }
}
