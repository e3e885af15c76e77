namespace Credits.IntegrationTests.Archive;

/// <summary>A system whose ledger archive runs every second, so a test sees it take an account within seconds.</summary>
public sealed class FrequentArchive : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment) =>
        environment["Ledger__ArchiveInterval"] = "00:00:01";
}
