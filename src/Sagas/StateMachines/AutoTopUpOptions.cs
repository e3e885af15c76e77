using System.ComponentModel.DataAnnotations;

namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:AutoTopUp</c> (the Orchestrator's saga and the Gateway's validation read the same).</summary>
public sealed class AutoTopUpOptions : IValidatableObject
{
    public const string Section = "Sagas:AutoTopUp";

    /// <summary>
    /// The monthly cap a policy gets when its request names none: what auto top-up may start in one calendar month (UTC),
    /// in minor units of the policy's currency (20000 = 200.00).
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Sagas:AutoTopUp:DefaultMonthlyCap must be positive.")]
    public long DefaultMonthlyCap { get; set; } = 20_000;

    /// <summary>The highest monthly cap a customer may set (minor units).</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Sagas:AutoTopUp:MaxMonthlyCap must be positive.")]
    public long MaxMonthlyCap { get; set; } = 1_000_000;

    /// <summary>After this many of its purchases in a row end unpaid, auto top-up turns itself off (AutoTopUpSuspended).</summary>
    [Range(1, 100, ErrorMessage = "Sagas:AutoTopUp:MaxConsecutiveFailures must be between 1 and 100.")]
    public int MaxConsecutiveFailures { get; set; } = 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultMonthlyCap > MaxMonthlyCap)
            yield return new ValidationResult("Sagas:AutoTopUp:DefaultMonthlyCap must not be above MaxMonthlyCap.", [nameof(DefaultMonthlyCap)]);
    }

    /// <summary>The policy's cap: the one it names, else the default.</summary>
    public long CapOf(long? requested) => requested is > 0 ? requested.Value : DefaultMonthlyCap;

    /// <summary>The first instant of <paramref name="at"/>'s calendar month, UTC: the window the cap counts in.</summary>
    public static DateTimeOffset MonthOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
