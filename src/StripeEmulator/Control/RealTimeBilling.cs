using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Control;

/// <summary>
/// Runs what is due in real time for objects without a test clock (period ends, renewal finalizations, payment
/// retries, incomplete expiries: <see cref="BillingClock"/>), and expires open checkout sessions.
/// </summary>
public sealed class RealTimeBilling(EmulatorStore store, Clocks clocks, EventLog events, IOptions<EmulatorOptions> options, PublicAddress address,
    ILogger<RealTimeBilling> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.BillingTick);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                lock (store.Gate)
                {
                    var world = new World(store, clocks, events, null) { Options = options.Value, Address = address };
                    BillingClock.RunUntil(world, null, clocks.WallNow);
                    // expires_at is real time (Stripe validates it against the request's time), whatever the customer's test clock.
                    foreach (var session in store.All("checkout.session").Where(s => (string?)s["status"] == "open"
                        && (long)s["expires_at"]! <= clocks.WallNow).ToList())
                        CheckoutFlow.Expire(world, session);
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "Real-time billing tick failed");
            }
        }
    }
}
