using Credits.Billing.Catalog;
using Credits.Gateway.Portal;
using Credits.Ledger.Plans;
using Xunit;

namespace Credits.BrowserTests;

/// <summary>The preview's arithmetic, without a browser: what an upgrade charges and grants part-way through a period.</summary>
public class PlanChangePreviewTests
{
    static readonly PlanPrice HobbyPrice = new() { Id = "hobby", DisplayName = "Hobby", FlatMonthlyAmount = 0, Currency = "usd" };
    static readonly PlanPrice ProPrice = new() { Id = "pro", DisplayName = "Pro", FlatMonthlyAmount = 2000, Currency = "usd", OverageAllowed = true, OverageUnitAmount = 0.5m };
    static readonly PlanPrice TeamPrice = new() { Id = "team", DisplayName = "Team", FlatMonthlyAmount = 5000, Currency = "usd" };
    static readonly PlanDefinition Hobby = new() { Id = "hobby", DisplayName = "Hobby", IncludedCredits = 200 };
    static readonly PlanDefinition Pro = new() { Id = "pro", DisplayName = "Pro", IncludedCredits = 5000, OverageAllowed = true };
    static readonly PlanDefinition Team = new() { Id = "team", DisplayName = "Team", IncludedCredits = 20000 };
    static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset End = Start.AddDays(30);

    [Fact]
    public void An_upgrade_with_a_third_of_the_period_left_charges_a_third_of_the_difference_and_grants_a_third_of_the_credits()
    {
        var preview = PlanChangePreview.Compute(HobbyPrice, Hobby, ProPrice, Pro, Start, End, Start.AddDays(20));
        Assert.Equal("upgrade", preview.Kind);
        Assert.Equal(667, preview.AmountDueNow);          // 2000 / 3, to the cent
        Assert.Equal(1667, preview.CreditsGrantedNow);    // 5000 / 3, rounded up (CreditProration)
        Assert.Equal(Start.AddDays(20), preview.EffectiveAt);
    }

    [Fact]
    public void An_upgrade_between_paid_plans_charges_the_difference_of_the_prorated_fees()
    {
        var preview = PlanChangePreview.Compute(ProPrice, Pro, TeamPrice, Team, Start, End, Start.AddDays(15));
        Assert.Equal(2500 - 1000, preview.AmountDueNow);
        Assert.Equal(10000, preview.CreditsGrantedNow);
    }

    [Fact]
    public void A_downgrade_charges_nothing_now_and_takes_effect_at_the_period_end()
    {
        var preview = PlanChangePreview.Compute(ProPrice, Pro, HobbyPrice, Hobby, Start, End, Start.AddDays(3));
        Assert.Equal("downgrade", preview.Kind);
        Assert.Equal(0, preview.AmountDueNow);
        Assert.Equal(0, preview.CreditsGrantedNow);
        Assert.Equal(End, preview.EffectiveAt);
        Assert.Equal(200, preview.NextPeriodCredits);
        Assert.False(preview.NextPeriodOverage);
        Assert.Contains(preview.Summary, s => s.Contains("Overage used until then is billed on the final invoice"));
    }
}
