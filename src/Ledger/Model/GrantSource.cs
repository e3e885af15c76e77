namespace Credits.Ledger.Model;

/// <summary>Where granted credits came from; each source has a default burn-down priority (<see cref="GrantPriorities"/>).</summary>
public enum GrantSource
{
    PlanAllowance,
    Purchase,
    Promotion,
    ManualAdjustment,
    /// <summary>Unspent allowance carried into the next period, up to the plan's rollover cap.</summary>
    Rollover,
}
