using Credits.Ledger.Pricing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Credits.Ledger.Tests.Pricing;

/// <summary>The rate card section as configured: bound by version, every mistake named at start-up.</summary>
public class RateCardCatalogTests
{
    static RateCardCatalog From(Dictionary<string, string?> settings) =>
        RateCardCatalog.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Versions_bind_by_their_key_and_come_in_order()
    {
        var catalog = From(new()
        {
            ["RateCards:2:EffectiveFrom"] = "2026-06-01T00:00:00Z",
            ["RateCards:2:Rates:0:Feature"] = "gpt-4o", ["RateCards:2:Rates:0:Unit"] = "token", ["RateCards:2:Rates:0:CreditsPerUnit"] = "0.0005",
            ["RateCards:1:EffectiveFrom"] = "2026-01-01T00:00:00Z",
            ["RateCards:1:Rates:0:Feature"] = "*", ["RateCards:1:Rates:0:Unit"] = "token", ["RateCards:1:Rates:0:CreditsPerUnit"] = "0.000001",
        });

        Assert.Equal([1, 2], catalog.Versions.Select(v => v.Version));
        Assert.Equal(0.000001m, catalog.Versions[0].Rates.Single().CreditsPerUnit);
    }

    [Fact]
    public void No_section_is_no_rate_cards() => Assert.Empty(From([]).Versions);

    [Theory]
    [InlineData("0", "2026-01-01T00:00:00Z", "gpt-4o", "token", "1", "key must be its version number")]
    [InlineData("1", "", "gpt-4o", "token", "1", "EffectiveFrom is required")]
    [InlineData("1", "2026-01-01T00:00:00Z", "", "token", "1", "Feature is required")]
    [InlineData("1", "2026-01-01T00:00:00Z", "gpt-4o", "tok\u0000en", "1", "Unit must not contain control characters")]
    [InlineData("1", "2026-01-01T00:00:00Z", "gpt-4o", "token", "0", "CreditsPerUnit must be above 0")]
    [InlineData("1", "2026-01-01T00:00:00Z", "gpt-4o", "token", "1000000001", "CreditsPerUnit must be above 0 and at most")]
    [InlineData("1", "2026-01-01T00:00:00Z", "gpt-4o", "token", "0.0000000000001", "at most 12 decimal places")]
    public void A_bad_rate_card_is_refused_with_its_reason(string version, string from, string feature, string unit, string rate, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(new()
        {
            [$"RateCards:{version}:EffectiveFrom"] = from,
            [$"RateCards:{version}:Rates:0:Feature"] = feature, [$"RateCards:{version}:Rates:0:Unit"] = unit,
            [$"RateCards:{version}:Rates:0:CreditsPerUnit"] = rate,
        }));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_same_feature_and_unit_twice_in_a_version_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(new()
        {
            ["RateCards:1:EffectiveFrom"] = "2026-01-01T00:00:00Z",
            ["RateCards:1:Rates:0:Feature"] = "gpt-4o", ["RateCards:1:Rates:0:Unit"] = "token", ["RateCards:1:Rates:0:CreditsPerUnit"] = "1",
            ["RateCards:1:Rates:1:Feature"] = "gpt-4o", ["RateCards:1:Rates:1:Unit"] = "token", ["RateCards:1:Rates:1:CreditsPerUnit"] = "2",
        }));
        Assert.Contains("gpt-4o/token appears more than once", error.Message);
    }
}
