using System.Globalization;

namespace Credits.Ledger.Periods;

/// <summary>
/// The idempotency keys of plan allowance grants, in one place: the step that opens a period writes under them, and the
/// money audit finds a period's allowance by them.
/// </summary>
public static class AllowanceKeys
{
    const string PlanChangePrefix = "plan-change:";

    /// <summary>A billing period's allowance: one per customer and period start (a period is opened once).</summary>
    public static string Period(string customerId, DateTimeOffset periodStart) =>
        $"allowance:{customerId}:{periodStart.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A plan change's step (the upgrade's prorated allowance, or a move with none): one per operation and step.</summary>
    public static string PlanChange(Guid operationId, string step) => $"{PlanChangePrefix}{operationId:N}:{step}";

    /// <summary>A plan change's grant: paid by the change's own invoice, not by the invoice that opened the period.</summary>
    public static bool IsPlanChange(string idempotencyKey) => idempotencyKey.StartsWith(PlanChangePrefix, StringComparison.Ordinal);
}
