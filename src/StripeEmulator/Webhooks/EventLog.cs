using System.Text.Json.Nodes;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Webhooks;

/// <summary>
/// Records an <c>event</c> for each state change (listable at /v1/events) and hands it to the
/// dispatcher. Called under the store's gate, so events are numbered in the order changes happen.
/// </summary>
public sealed class EventLog(EmulatorStore store, Clocks clocks, WebhookDispatcher dispatcher, IOptions<EmulatorOptions> options)
{
    /// <summary>Stripe.net's pinned version: the shape of every object the emulator renders.</summary>
    public static string ApiVersion => Stripe.StripeConfiguration.ApiVersion;

    public JsonObject Publish(string type, JsonObject obj, JsonObject? previousAttributes = null, RequestRef? request = null)
    {
        var data = new JsonObject { ["object"] = obj.DeepClone() };
        if (previousAttributes is { Count: > 0 }) data["previous_attributes"] = previousAttributes.DeepClone();
        var targets = dispatcher.TargetsFor(type);
        var evt = new JsonObject
        {
            ["id"] = Ids.New("evt"),
            ["object"] = "event",
            ["api_version"] = options.Value.AccountApiVersion,
            ["created"] = clocks.WallNow,
            ["data"] = data,
            ["livemode"] = false,
            ["pending_webhooks"] = targets.Count,
            ["request"] = new JsonObject { ["id"] = request?.Id, ["idempotency_key"] = request?.IdempotencyKey },
            ["type"] = type,
        };
        store.Add(evt);
        dispatcher.Enqueue(evt, targets);
        return evt;
    }
}

/// <summary>The API request that caused an event (null for clock-driven changes).</summary>
public sealed record RequestRef(string Id, string? IdempotencyKey);
