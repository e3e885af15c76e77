using Credits.Gateway.Operations;
using Credits.Sagas.StateMachines;

namespace Credits.Gateway.Customers;

/// <summary>
/// The auto top-up's safety rules as they stand (docs/lifecycle/auto-top-up.md): this month's count against the cap
/// (minor units of the policy's currency; <see cref="MonthlyCap"/> null: the configured default applies), and whether
/// repeated failures stopped it (<see cref="StoppedReason"/>: the last purchase's reason, safe to show the customer).
/// </summary>
public sealed record AutoTopUpSafety(long? MonthlyCap, DateTimeOffset Month, long StartedThisMonth, bool CapReachedThisMonth,
    int ConsecutiveFailures, bool Stopped, string? StoppedReason, DateTimeOffset? StoppedAt)
{
    public static AutoTopUpSafety Of(AutoTopUpState row, DateTimeOffset now)
    {
        var month = AutoTopUpOptions.MonthOf(now);
        var stopped = row.SuspendedAt is not null;
        return new AutoTopUpSafety(
            row.MonthlyCap > 0 ? row.MonthlyCap : null,
            month,
            // The saga starts the count again with the month's first purchase; until then an older count is last month's.
            row.CapMonth == month ? row.StartedThisMonth : 0,
            row.CapReachedMonth == month,
            row.ConsecutiveFailures,
            stopped,
            stopped ? CustomerFacingReasons.ForPurchase(row.LastFailure) : null,
            row.SuspendedAt);
    }

    /// <summary>The saga's state as the API names it.</summary>
    public static string StateOf(AutoTopUpState row) => row.CurrentState switch
    {
        "PurchaseInFlight" => "purchase-in-flight",
        "Suspended" => "stopped",
        _ => "idle",
    };
}
