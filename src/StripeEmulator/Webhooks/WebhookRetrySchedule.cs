using Credits.StripeEmulator.Hosting;

namespace Credits.StripeEmulator.Webhooks;

/// <summary>How a failed delivery is retried.</summary>
public enum WebhookRetrySchedule
{
    /// <summary>
    /// Stripe's live-mode shape: exponential backoff "for up to three days"
    /// (https://docs.stripe.com/webhooks#retries). Stripe does not publish its intervals; the emulator
    /// doubles from one unit (<see cref="EmulatorOptions.WebhookRetryDelay"/>, standing for one minute)
    /// and makes a last attempt at three days (4,320 units): attempts at 0, 1, 3, 7, ... 4,095 and 4,320
    /// units, 14 in all. The default unit of 1 s compresses the three days into 72 minutes; the shape
    /// stays Stripe's whatever the unit.
    /// </summary>
    StripeLiveMode,

    /// <summary><see cref="EmulatorOptions.WebhookMaxAttempts"/> attempts, the delay doubling from <see cref="EmulatorOptions.WebhookRetryDelay"/>.</summary>
    MaxAttempts,
}

public static class WebhookRetries
{
    /// <summary>Three days in the schedule's unit of one minute.</summary>
    public const int HorizonUnits = 3 * 24 * 60;

    /// <summary>The wait before the next attempt after <paramref name="failedAttempt"/> (1-based) failed; null when delivery gives up.</summary>
    public static TimeSpan? NextDelay(int failedAttempt, EmulatorOptions options)
    {
        var unit = options.WebhookRetryDelay;
        var doubled = Math.Pow(2, failedAttempt - 1);
        if (options.WebhookRetrySchedule == WebhookRetrySchedule.MaxAttempts)
            return failedAttempt < options.WebhookMaxAttempts ? unit * doubled : null;
        // Attempt n is sent at (2^(n-1) - 1) units: the failed one at doubled - 1, the next at 2 * doubled - 1.
        var sentAt = doubled - 1;
        if (sentAt >= HorizonUnits) return null;
        var next = Math.Min(2 * doubled - 1, HorizonUnits);
        return unit * (next - sentAt);
    }
}
