using Credits.Ledger.Pricing;
using Credits.Ledger.Tests.Support;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Ledger.Tests.Pricing;

/// <summary>
/// Publishing the configured rate cards into PostgreSQL: once, by any number of instances at once; a published
/// version never changes; a new one is known everywhere before it takes effect.
/// </summary>
public class RateCardPublicationTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Versions_are_published_once_whatever_the_number_of_instances_and_stay_as_they_were_published()
    {
        // Eight instances starting together, each publishing the same configuration.
        var published = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = database.NewContext();
            return await RateCardPublisher.PublishAsync(db, PricedUsageSupport.Catalog, Now, default);
        }));

        Assert.Single(published, p => p.Count > 0);
        Assert.Equal([1, 2], published.Single(p => p.Count > 0));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM rate_card_versions"));
        Assert.Equal(7L, await database.ScalarAsync<long>("SELECT count(*) FROM usage_rates"));

        // Version 2 edited in place: refused, and nothing changes.
        var edited = new RateCardCatalog([
            PricedUsageSupport.Catalog.Versions[0],
            new RateCardDefinition
            {
                Version = 2, EffectiveFrom = PricedUsageSupport.Version2From,
                Rates = [new() { Feature = "gpt-4o", Unit = "input-token", CreditsPerUnit = 0.0004m }],
            },
        ]);
        var conflict = await Assert.ThrowsAsync<RateCardConflictException>(() => PublishAsync(edited, Now));
        Assert.Contains("version 2 was published", conflict.Message);
        Assert.Equal(0.0005m, await database.ScalarAsync<decimal>(
            "SELECT credits_per_unit FROM usage_rates WHERE version = 2 AND feature = 'gpt-4o' AND unit = 'input-token'"));

        // A new version that takes effect sooner than every instance can learn of it: refused. With the lead: published.
        var third = new RateCardDefinition
        {
            Version = 3, EffectiveFrom = Now + RateCardPublisher.Lead - TimeSpan.FromSeconds(1),
            Rates = [new() { Feature = "gpt-4o", Unit = "input-token", CreditsPerUnit = 0.0006m }],
        };
        var tooSoon = await Assert.ThrowsAsync<RateCardConflictException>(() =>
            PublishAsync(new RateCardCatalog([.. PricedUsageSupport.Catalog.Versions, third]), Now));
        Assert.Contains("less than 10 minutes", tooSoon.Message);
        third.EffectiveFrom = Now + RateCardPublisher.Lead;
        Assert.Equal([3], await PublishAsync(new RateCardCatalog([.. PricedUsageSupport.Catalog.Versions, third]), Now));

        // Configuration that no longer lists old versions keeps them published and pricing their usage.
        Assert.Empty(await PublishAsync(new RateCardCatalog([third]), Now.AddDays(1)));
        var cards = PricedUsageSupport.Cards(database, new ManualClock(Now));
        var (rate, _) = (await cards.CurrentAsync(default)).Find("gpt-4o", "input-token", PricedUsageSupport.Version2From.AddDays(1));
        Assert.Equal((2, 0.0005m), (rate!.Version, rate.CreditsPerUnit));
    }

    [Fact]
    public async Task A_host_learns_of_a_new_version_within_the_refresh_time()
    {
        var clock = new ManualClock(Now);
        var versions = 0;
        var cards = new RateCards(ct => { versions++; return Task.FromResult(new RateCardSnapshot(
            [new RateCardVersion { Version = versions, EffectiveFrom = Now.AddDays(-versions) }], [])); }, clock);

        await cards.CurrentAsync(default);
        clock.Advance(RateCards.RefreshAfter - TimeSpan.FromSeconds(1));
        await cards.CurrentAsync(default);
        Assert.Equal(1, versions);
        clock.Advance(TimeSpan.FromSeconds(1));
        await cards.CurrentAsync(default);
        Assert.Equal(2, versions);
        // The lead covers the refresh and the future a usage timestamp may have.
        Assert.True(RateCardPublisher.Lead > RateCards.RefreshAfter + Commands.DebitCredits.MaxFutureSkew);
    }

    async Task<IReadOnlyList<int>> PublishAsync(RateCardCatalog catalog, DateTimeOffset now)
    {
        await using var db = database.NewContext();
        return await RateCardPublisher.PublishAsync(db, catalog, now, default);
    }
}
