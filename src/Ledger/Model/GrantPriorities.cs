namespace Credits.Ledger.Model;

/// <summary>
/// Default burn-down priorities (lower burns first): free credits that lapse go before credits the
/// customer paid for, so a purchase is the last thing a debit touches.
/// </summary>
public static class GrantPriorities
{
    public static int DefaultFor(GrantSource source) => source switch
    {
        GrantSource.Promotion => 10,
        GrantSource.Rollover => 15,
        GrantSource.PlanAllowance => 20,
        GrantSource.ManualAdjustment => 30,
        GrantSource.Purchase => 40,
        _ => 50,
    };
}
