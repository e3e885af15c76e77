namespace Credits.Ledger.Plans;

/// <summary>
/// A plan as the ledger sees it, bound from configuration (section "Plans", one child per plan id):
/// <code>"Plans": { "hobby": { "DisplayName": "Hobby", "IncludedCredits": 200, "OverageAllowed": false,
///   "RolloverCap": 0, "LowBalanceThresholds": [ 50, 20 ] } }</code>
/// </summary>
public sealed class PlanDefinition
{
    /// <summary>The plan id; taken from the configuration key when bound from "Plans".</summary>
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>Credits granted as the plan allowance at the start of each billing period.</summary>
    public long IncludedCredits { get; set; }
    /// <summary>Usage beyond the available credits is billed as overage (Pro) instead of written off (Hobby).</summary>
    public bool OverageAllowed { get; set; }
    /// <summary>Most unspent allowance credits carried into the next period; 0 (the default) carries none.</summary>
    public long RolloverCap { get; set; }
    /// <summary>Available-credit levels whose downward crossing is reported (CreditBalanceLow).</summary>
    public long[] LowBalanceThresholds { get; set; } = [];
    /// <summary>
    /// Credits given once, when a customer registers on this plan (its first billing period opens); 0 (the default) gives
    /// none. Never again: not on a repeated registration, a renewal or a plan change (docs/promotions.md).
    /// </summary>
    public long TrialCredits { get; set; }
    /// <summary>Days after the first period's start when unspent trial credits lapse; null = they never lapse.</summary>
    public int? TrialCreditsExpireAfterDays { get; set; }
}
