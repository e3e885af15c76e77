using Credits.Ledger.Plans;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Credits.Ledger.Tests;

public class PlanCatalogTests
{
    static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Plans_bind_from_the_Plans_section_keyed_by_id()
    {
        var catalog = PlanCatalog.FromConfiguration(Config(
            ("Plans:hobby:DisplayName", "Hobby"), ("Plans:hobby:IncludedCredits", "200"),
            ("Plans:hobby:LowBalanceThresholds:0", "50"), ("Plans:hobby:LowBalanceThresholds:1", "20"),
            ("Plans:pro:DisplayName", "Pro"), ("Plans:pro:IncludedCredits", "1000"),
            ("Plans:pro:OverageAllowed", "true"), ("Plans:pro:RolloverCap", "300")));

        var hobby = catalog.Get("hobby");
        Assert.Equal(("Hobby", 200L, false, 0L), (hobby.DisplayName, hobby.IncludedCredits, hobby.OverageAllowed, hobby.RolloverCap));
        Assert.Equal([50L, 20L], hobby.LowBalanceThresholds);
        Assert.True(catalog.Get("pro").OverageAllowed);
        Assert.Equal(300, catalog.Get("pro").RolloverCap);
    }

    [Fact]
    public void An_invalid_configuration_fails_at_start_with_every_problem_named()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PlanCatalog.FromConfiguration(Config(
            ("Plans:hobby:IncludedCredits", "-1"), ("Plans:hobby:LowBalanceThresholds:0", "0"),
            ("Plans:pro:DisplayName", "Pro"), ("Plans:pro:RolloverCap", "-5"))));

        Assert.Contains("'hobby': DisplayName", error.Message);
        Assert.Contains("'hobby': IncludedCredits", error.Message);
        Assert.Contains("'hobby': LowBalanceThresholds", error.Message);
        Assert.Contains("'pro': RolloverCap", error.Message);
        Assert.Throws<InvalidOperationException>(() => PlanCatalog.FromConfiguration(Config()));
    }

    [Fact]
    public void A_plan_granting_more_than_one_operation_may_move_fails_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PlanCatalog.FromConfiguration(Config(
            ("Plans:max:DisplayName", "Max"), ("Plans:max:IncludedCredits", "1000000001"), ("Plans:max:LowBalanceThresholds:0", "2000000000"))));

        Assert.Contains("'max': IncludedCredits must be at most 1000000000", error.Message);
        Assert.Contains("'max': LowBalanceThresholds must be at most 1000000000", error.Message);
    }

    [Fact]
    public void Trial_credits_bind_per_plan_and_out_of_range_trials_fail_at_start()
    {
        var catalog = PlanCatalog.FromConfiguration(Config(
            ("Plans:hobby:DisplayName", "Hobby"), ("Plans:hobby:TrialCredits", "300"), ("Plans:hobby:TrialCreditsExpireAfterDays", "14"),
            ("Plans:pro:DisplayName", "Pro")));
        Assert.Equal((300L, (int?)14), (catalog.Get("hobby").TrialCredits, catalog.Get("hobby").TrialCreditsExpireAfterDays));
        Assert.Equal((0L, (int?)null), (catalog.Get("pro").TrialCredits, catalog.Get("pro").TrialCreditsExpireAfterDays));

        var start = DateTimeOffset.Parse("2026-12-01T00:00:00Z");
        var grant = TrialCredits.For(catalog.Get("hobby"), "acme", start)!;
        Assert.Equal((300L, Model.GrantSource.Promotion, start.AddDays(14), "trial:4:acme:registration"),
            (grant.Credits, grant.Source, grant.ExpiresAt!.Value, grant.IdempotencyKey));
        Assert.Null(TrialCredits.For(catalog.Get("pro"), "acme", start));

        var error = Assert.Throws<InvalidOperationException>(() => PlanCatalog.FromConfiguration(Config(
            ("Plans:a:DisplayName", "A"), ("Plans:a:TrialCredits", "-1"),
            ("Plans:b:DisplayName", "B"), ("Plans:b:TrialCredits", "1000000001"),
            ("Plans:c:DisplayName", "C"), ("Plans:c:TrialCredits", "5"), ("Plans:c:TrialCreditsExpireAfterDays", "0"))));
        Assert.Contains("'a': TrialCredits must not be negative", error.Message);
        Assert.Contains("'b': TrialCredits must be at most", error.Message);
        Assert.Contains("'c': TrialCreditsExpireAfterDays", error.Message);
    }
}
