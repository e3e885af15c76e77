using Credits.Billing.StripeAdapter;
using global::Stripe.Billing;

namespace Credits.Billing.Metering;

/// <summary>The active Stripe meter of Credits' overage event (<see cref="StripeOptions.MeterEventName"/>): catalog sync ensures it, the audit reads it.</summary>
public static class ActiveMeter
{
    /// <summary>The active meter for <paramref name="eventName"/>; null when there is none (the catalog was never synced).</summary>
    public static Task<StripeResult<Meter?>> FindAsync(StripeCalls stripe, string eventName, CancellationToken ct) =>
        stripe.ReadAsync("list meters", async (c, o, t) =>
        {
            await foreach (var m in c.V1.Billing.Meters.ListAutoPagingAsync(new() { Status = "active", Limit = 100 }, o, t))
                if (m.EventName == eventName) return m;
            return (Meter?)null;
        }, ct);
}
