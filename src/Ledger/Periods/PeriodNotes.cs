namespace Credits.Ledger.Periods;

/// <summary>
/// The note on the entry that opens a period: it names the plan the allowance was granted for, the only record of the
/// plan at that time (the account keeps the current plan). The money audit reads it to tell a paid plan's allowance
/// (which needs a paid invoice) from a free plan's.
/// </summary>
public static class PeriodNotes
{
    const string Prefix = "plan ";

    public static string Opened(string planId) => Prefix + planId;

    /// <summary>The plan of an opening entry's note, or null for any other note.</summary>
    public static string? PlanOf(string? note) =>
        note is not null && note.StartsWith(Prefix, StringComparison.Ordinal) && note.IndexOf(':') < 0 ? note[Prefix.Length..] : null;
}
