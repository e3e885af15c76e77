namespace Credits.IntegrationTests.Archive;

/// <summary>A system whose ledger archive runs every second and removes what it archived (<c>Ledger:RemoveArchivedEntries</c>).</summary>
public sealed class FrequentRemovingArchive : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Ledger__ArchiveInterval"] = "00:00:01";
        environment["Ledger__RemoveArchivedEntries"] = "true";
    }
}
