namespace Credits.Orchestrator.Steps;

/// <summary>
/// Section <c>Sagas:StepRedelivery</c>: when a saga step whose immediate retries (100 ms, 500 ms, 2 s) are exhausted is
/// delivered again, through the durable PostgreSQL scheduler. After the last redelivery the step faults: its saga
/// hears <c>Fault&lt;T&gt;</c> and ends in a state an operator sees, and the command waits in the step's _error queue.
/// </summary>
public sealed class StepRedeliveryOptions
{
    public const string Section = "Sagas:StepRedelivery";

    /// <summary>Default schedule: 1, 5, 15 and 40 minutes after the failure before (about an hour in all).</summary>
    public static readonly TimeSpan[] DefaultIntervals =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(40)];

    /// <summary>Delays before each redelivery; null for <see cref="DefaultIntervals"/> (an array so that binding replaces, never appends).</summary>
    public TimeSpan[]? Intervals { get; set; }

    public TimeSpan[] Schedule => Intervals is { Length: > 0 } intervals ? intervals : DefaultIntervals;
}
