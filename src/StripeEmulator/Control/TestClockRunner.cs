using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;

namespace Credits.StripeEmulator.Control;

/// <summary>Advances a test clock in the background, stopping at each period end on the way so renewals happen in order.</summary>
public sealed class TestClockRunner(EmulatorStore store, Clocks clocks, EventLog events, ILogger<TestClockRunner> logger)
{
    public void Start(string clockId, long target) => _ = Task.Run(() =>
    {
        try
        {
            lock (store.Gate) Advance(clockId, target);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Advancing test clock {Clock} failed", clockId);
        }
    });

    private void Advance(string clockId, long target)
    {
        if (store.Find(clockId) is not { } clock) return;
        var world = new World(store, clocks, events, null);
        while (SubscriptionRenewal.NextDue(store, clockId, target) is { } next)
        {
            clock["frozen_time"] = Math.Max((long)clock["frozen_time"]!, next);
            SubscriptionRenewal.RunUntil(world, clockId, next);
        }
        clock["frozen_time"] = target;
        clock["status"] = "ready";
        clock["status_details"] = new System.Text.Json.Nodes.JsonObject();
        events.Publish("test_helpers.test_clock.ready", clock);
    }
}
