namespace Credits.Ledger.Archive;

/// <summary>The archive's months: calendar months in UTC, named by their first instant.</summary>
static class ArchiveMonths
{
    public static DateTimeOffset Of(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
