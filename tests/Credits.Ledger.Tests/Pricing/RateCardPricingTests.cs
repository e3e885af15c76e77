using Credits.Contracts.Usage;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Credits.Ledger.Usage;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Ledger.Tests.Pricing;

/// <summary>
/// Usage reported in native units, priced by the published rate cards through the real ingestion path and ledger:
/// the version in effect when the usage occurred, the default rate of a unit, fractions carried, never doubled.
/// </summary>
public class RateCardPricingTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync() => await PricedUsageSupport.PublishAsync(database);
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Tokens_are_priced_by_the_version_in_effect_when_they_occurred()
    {
        await using var customer = new Customer(database, PricedUsageSupport.Version2From.AddDays(1));
        await customer.StartAsync("pro", start: PricedUsageSupport.Version2From.AddDays(-14), end: PricedUsageSupport.Version2From.AddDays(16));
        var ingestion = customer.Ingestion(database);

        // 10,000 input tokens: 2.5 credits under version 1, 5 under version 2.
        var outcomes = await ingestion.DebitAsync([
            customer.Tokens(10_000, "before", occurredAt: PricedUsageSupport.Version2From.AddHours(-1)),
            customer.Tokens(10_000, "after", occurredAt: PricedUsageSupport.Version2From.AddHours(1)),
        ], default);

        Assert.All(outcomes, o => Assert.Equal(LedgerOutcome.Applied, o.Result!.Outcome));
        Assert.Equal(2, outcomes[0].Result!.Debited);          // 2.5: 2 now, 0.5 carried
        Assert.Equal(5, outcomes[1].Result!.Debited);          // 0.5 + 5 = 5.5: 5 now, 0.5 carried
        Assert.Equal(0.5m, await database.RemainderAsync(customer.Id));
        Assert.Equal(1000 - 7, await customer.AvailableAsync());

        await using var db = database.NewContext();
        var rates = await db.Set<Credits.Ledger.Pricing.UsageRate>().ToDictionaryAsync(r => r.Id);
        var firsts = await db.Set<LedgerEntry>().Where(e => e.CustomerId == customer.Id && e.RateId != null)
            .OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([1, 2], firsts.Select(e => rates[e.RateId!.Value].Version));
        Assert.All(firsts, e => Assert.Equal(10_000m, e.NativeQuantity));
        Assert.All(firsts, e => Assert.Equal("gpt-4o", e.Note));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Usage_below_a_credit_is_carried_until_the_fractions_make_one()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");                    // 200 credits
        var ingestion = customer.Ingestion(database);

        var results = new List<LedgerResult>();
        for (var i = 0; i < 5; i++)                             // 2,000 tokens x 0.00025 (version 1) = 0.5 credits each
            results.Add((await ingestion.DebitAsync([customer.Tokens(2_000, $"small-{i}")], default))[0].Result!);

        Assert.Equal([0L, 1, 0, 1, 0], results.Select(r => r.Debited));
        Assert.Equal(198, await customer.AvailableAsync());
        Assert.Equal(0.5m, await database.RemainderAsync(customer.Id));
        await using var db = database.NewContext();
        Assert.Equal(3, await db.Set<LedgerEntry>().CountAsync(e => e.CustomerId == customer.Id && e.Kind == EntryKind.Remainder));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_replayed_priced_event_is_a_duplicate_and_moves_no_fraction()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var ingestion = customer.Ingestion(database);
        var usage = customer.Tokens(6_000, "once");            // 1.5 credits under version 1

        var first = (await ingestion.DebitAsync([usage], default))[0];
        var again = (await ingestion.DebitAsync([usage, usage with { Quantity = 6_000.000m }], default));
        var changed = (await ingestion.DebitAsync([usage with { Quantity = 6_001 }], default))[0];

        Assert.Equal(LedgerOutcome.Applied, first.Result!.Outcome);
        Assert.All(again, o => Assert.Equal(LedgerOutcome.Duplicate, o.Result!.Outcome));
        Assert.Equal(UsageRejectionCodes.IdempotencyConflict, changed.Rejection!.ReasonCode);
        Assert.Equal(199, await customer.AvailableAsync());
        Assert.Equal(0.5m, await database.RemainderAsync(customer.Id));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task An_unnamed_feature_takes_its_units_default_rate_or_is_rejected_with_nothing_written()
    {
        await using var customer = new Customer(database, PricedUsageSupport.Version2From.AddDays(-7));
        await customer.StartAsync("hobby");
        var ingestion = customer.Ingestion(database);

        var outcomes = await ingestion.DebitAsync([
            customer.Tokens(25, "voice", feature: "whisper-large", unit: "audio-second"),   // "*" rate of version 1: 2.5
            customer.Tokens(1_000, "unknown-model", feature: "llama-70b"),                    // no rate, no default
            customer.Tokens(1_000, "unknown-unit", unit: "reasoning-token"),
            customer.Tokens(1_000, "too-early", occurredAt: PricedUsageSupport.Version1From.AddDays(-1)),
        ], default);

        Assert.Equal(LedgerOutcome.Applied, outcomes[0].Result!.Outcome);
        Assert.Equal(2, outcomes[0].Result!.Debited);
        Assert.All(outcomes.Skip(1), o => Assert.Equal(UsageRejectionCodes.Unpriced, o.Rejection!.ReasonCode));
        Assert.Contains("llama-70b", outcomes[1].Rejection!.Reason);
        Assert.Contains("no rate card was in effect", outcomes[3].Rejection!.Reason);
        Assert.Equal(1_000m, outcomes[1].Rejection!.Quantity);
        await using var db = database.NewContext();
        Assert.Equal(["voice"], await db.Set<LedgerEntry>()
            .Where(e => e.CustomerId == customer.Id && e.RateId != null).Select(e => e.IdempotencyKey.Substring(e.IdempotencyKey.Length - 5)).ToListAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Theory]
    [InlineData(5, "1.5", "input-token", "gpt-4o", "give credits or a quantity")]
    [InlineData(0, "0", "input-token", "gpt-4o", "quantity must be positive")]
    [InlineData(0, "0.0000001", "input-token", "gpt-4o", "at most 6 decimal places")]
    [InlineData(0, "1000000000001", "input-token", "gpt-4o", "quantity must be at most")]
    [InlineData(0, "10", null, "gpt-4o", "unit is required")]
    [InlineData(0, "10", "input-token", null, "feature is required")]
    public async Task Malformed_priced_usage_is_rejected_as_invalid(long credits, string quantity, string? unit, string? feature, string reason)
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var usage = new UsageRecorded
        {
            CustomerId = customer.Id, EventId = "bad", Credits = credits, Quantity = decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture),
            Unit = unit, Feature = feature,
        };

        var outcome = (await customer.Ingestion(database).DebitAsync([usage], default))[0];

        Assert.Equal(UsageRejectionCodes.Invalid, outcome.Rejection!.ReasonCode);
        Assert.Contains(reason, outcome.Rejection.Reason);
        Assert.Equal(200, await customer.AvailableAsync());
    }

    [Fact]
    public async Task Usage_priced_above_the_largest_debit_is_refused()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("pro");

        // 300 billion images at 4 credits: 1.2 trillion credits, past LedgerLimits.MaxCredits.
        var outcome = (await customer.Ingestion(database).DebitAsync(
            [customer.Tokens(300_000_000_000m, "huge", feature: "image-gen", unit: "image")], default))[0];

        Assert.Equal(UsageRejectionCodes.Invalid, outcome.Rejection!.ReasonCode);
        Assert.Contains("priced at more than", outcome.Rejection.Reason);
        Assert.Equal(1000, await customer.AvailableAsync());
    }

    [Fact]
    public async Task Usage_in_credits_works_as_before_beside_priced_usage()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        var outcomes = await customer.Ingestion(database).DebitAsync([
            new UsageRecorded { CustomerId = customer.Id, EventId = "credits", Credits = 7, Feature = "gpt-4o" },
            customer.Tokens(2, "images", feature: "image-gen", unit: "image"),
        ], default);

        Assert.Equal([7L, 8], outcomes.Select(o => o.Result!.Debited));
        Assert.Equal(185, await customer.AvailableAsync());
        Assert.Equal(0m, await database.RemainderAsync(customer.Id));
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
