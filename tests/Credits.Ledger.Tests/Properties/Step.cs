namespace Credits.Ledger.Tests.Properties;

/// <summary>One random thing that happens to an account in the property test.</summary>
public abstract record Step;

public sealed record GrantStep(long Credits, int Priority, int? ExpiresInMinutes) : Step;
public sealed record DebitStep(long Credits) : Step;
public sealed record DebitBatchStep(long[] Credits, bool RepeatFirst) : Step;
public sealed record ReserveStep(long Credits, int TimeToLiveMinutes) : Step;
public sealed record SettleStep(int Reservation, long Actual) : Step;
public sealed record ReleaseStep(int Reservation) : Step;
public sealed record ReverseStep(int Grant, long? Credits) : Step;
/// <summary>Time passes (expiry is due) and the expiry sweep runs.</summary>
public sealed record WaitStep(int Minutes) : Step;
/// <summary>An earlier operation is sent again with its key: a duplicate.</summary>
public sealed record RepeatStep(int Earlier) : Step;
/// <summary>An earlier key is reused for different content: a conflict.</summary>
public sealed record ReuseKeyStep(int Earlier) : Step;

public sealed record Scenario(bool Overage, long Allowance, IReadOnlyList<Step> Steps)
{
    public override string ToString() => $"Overage={Overage} Allowance={Allowance}\n  " + string.Join("\n  ", Steps);
}
