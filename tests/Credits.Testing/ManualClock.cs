namespace Credits.Testing;

/// <summary>A clock the test moves by hand (whole milliseconds, as PostgreSQL keeps microseconds).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;

    public void Set(DateTimeOffset at) => Now = at;
}
