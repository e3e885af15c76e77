using System.Text.Json.Nodes;

namespace Credits.StripeEmulator.State;

/// <summary>The time an object lives in: its test clock's frozen time, or the wall clock.</summary>
public sealed class Clocks(EmulatorStore store, TimeProvider time)
{
    public long WallNow => time.GetUtcNow().ToUnixTimeSeconds();

    public DateTimeOffset WallTime => time.GetUtcNow();

    public long NowForClock(string? testClock) =>
        testClock is not null && store.Find(testClock) is { } clock ? (long)clock["frozen_time"]! : WallNow;

    public long NowFor(JsonObject? customer) => NowForClock((string?)customer?["test_clock"]);

    public long NowForCustomer(string customerId) => NowFor(store.Find(customerId));
}
