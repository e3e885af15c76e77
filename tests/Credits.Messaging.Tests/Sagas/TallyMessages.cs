namespace Credits.Messaging.Tests.Sagas;

// A tally: a saga with nothing to it but counters and one deadline, so the tests exercise the repository and the
// scheduler, not a business process. One file for the handful of messages of this test-only machine.

public record TallyOpened
{
    public Guid TallyId { get; init; }
}

public record TallyIncremented
{
    public Guid TallyId { get; init; }
}

public record TallyDeadlineSet
{
    public Guid TallyId { get; init; }
    public TimeSpan Delay { get; init; }
}

public record TallyDeadlineCleared
{
    public Guid TallyId { get; init; }
}

public record TallyDeadlineReached
{
    public Guid TallyId { get; init; }
}

/// <summary>Correlated by a query, not an id: expires every open tally whose count reached the minimum.</summary>
public record TalliesSwept
{
    public int MinimumCount { get; init; }
}
