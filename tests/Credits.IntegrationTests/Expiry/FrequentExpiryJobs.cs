namespace Credits.IntegrationTests.Expiry;

/// <summary>
/// A system whose expiry jobs run every second (the sweep that lapses due credits and forgotten reservations, and the
/// expiry warnings), so a test sees many runs within seconds.
/// </summary>
public sealed class FrequentExpiryJobs : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Ledger__ExpirySweepInterval"] = "00:00:01";
        environment["Ledger__ExpiryWarning__Interval"] = "00:00:01";
    }
}
