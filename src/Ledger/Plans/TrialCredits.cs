using Credits.Contracts.Customers;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;

namespace Credits.Ledger.Plans;

/// <summary>
/// A plan's trial credits: granted once per customer, with the first billing period opened at registration. The key
/// is the customer's alone (not the plan's or the period's), so whatever asks again, a redelivered step, a repeated
/// registration, a later period, finds the same key and never grants a second trial. They are a promotion: they burn
/// first (<see cref="GrantPriorities"/>), before the allowance and long before credits the customer paid for.
/// </summary>
public static class TrialCredits
{
    /// <summary>Ten years: the longest a trial may stay spendable when it lapses at all.</summary>
    public const int MaxExpireAfterDays = 3650;

    public static string Key(string customerId) => CustomerScopedKey.Of("trial", customerId, "registration");

    /// <summary>
    /// The grant for a customer whose first period on <paramref name="plan"/> starts at <paramref name="periodStart"/>, or
    /// null when the plan gives no trial. The expiry counts from the period's start, not from now, so a step delivered
    /// again asks for exactly the same grant (the ledger's duplicate, not a conflict).
    /// </summary>
    public static GrantCredits? For(PlanDefinition plan, string customerId, DateTimeOffset periodStart) =>
        plan.TrialCredits <= 0 ? null : new GrantCredits
        {
            CustomerId = customerId,
            IdempotencyKey = Key(customerId),
            Credits = plan.TrialCredits,
            Source = GrantSource.Promotion,
            ExpiresAt = plan.TrialCreditsExpireAfterDays is { } days ? periodStart.AddDays(days) : null,
            Note = $"trial credits of plan {plan.Id}",
        };
}
