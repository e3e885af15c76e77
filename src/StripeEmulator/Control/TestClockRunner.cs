using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Control;

/// <summary>
/// Advances a test clock in the background, stopping at each moment something is due on the way (a
/// period end, a renewal draft's finalization, a payment retry, an incomplete subscription's expiry), so
/// they happen in order and at their own time.
/// </summary>
public sealed class TestClockRunner(EmulatorStore store, Clocks clocks, EventLog events, IOptions<EmulatorOptions> options, PublicAddress address,
    ILogger<TestClockRunner> logger)
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
        var world = new World(store, clocks, events, null) { Options = options.Value, Address = address };
        while (BillingClock.NextDue(world, clockId, target) is { } next)
        {
            clock["frozen_time"] = Math.Max((long)clock["frozen_time"]!, next);
            BillingClock.RunUntil(world, clockId, next);
        }
        clock["frozen_time"] = target;
        clock["status"] = "ready";
        clock["status_details"] = new System.Text.Json.Nodes.JsonObject();
        events.Publish("test_helpers.test_clock.ready", clock);
    }
}
