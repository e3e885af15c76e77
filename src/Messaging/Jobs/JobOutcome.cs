namespace Credits.Messaging.Jobs;

/// <summary>What one run of a <see cref="PeriodicJob"/> did.</summary>
/// <param name="MoreDue">The run did all it could take and more is due (a full batch): run again at once.</param>
/// <param name="Failure">Part of the run could not be done and waits for a later run (e.g. one account of the sweep).</param>
public readonly record struct JobOutcome(bool MoreDue, string? Failure)
{
    public static JobOutcome Done => default;

    public static JobOutcome More => new(true, null);

    public static JobOutcome Incomplete(string failure) => new(false, failure);
}
