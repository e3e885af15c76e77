using Credits.Contracts.Usage;
using Credits.Ledger.Pricing;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using CsCheck;
using Xunit;

namespace Credits.Ledger.Tests.Pricing;

/// <summary>
/// Splitting usage into many small events costs exactly what one large event costs: first as arithmetic
/// (<see cref="UsagePricing.Charge"/> over random rates, splits and carried remainders), then through the real
/// ingestion path and ledger on PostgreSQL, one customer sent the pieces (singly and in batches), another the whole.
/// </summary>
public class UsagePricingProperties(LedgerDatabase database) : IClassFixture<LedgerDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync() => await PricedUsageSupport.PublishAsync(database);
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A rate with up to 12 decimal places, from a millionth of a credit to 100 credits per unit.</summary>
    static readonly Gen<decimal> Rate = Gen.Select(Gen.Long[1, 100_000_000_000_000], Gen.Int[0, 12],
        (m, s) => Math.Max(decimal.Round(new decimal(m) / Pow10(12), s), 0.000000000001m));

    /// <summary>A quantity with up to 6 decimal places.</summary>
    static readonly Gen<decimal> Quantity = Gen.Select(Gen.Long[1, 50_000_000], Gen.Int[0, 6], (m, s) => new decimal(m) / Pow10(s));

    /// <summary>A carried remainder: any fraction of a credit with up to 18 decimal places.</summary>
    static readonly Gen<decimal> Remainder = Gen.Select(Gen.Long[0, 999_999_999_999_999_999], Gen.Int[0, 18], (m, s) => decimal.Round(new decimal(m) / Pow10(18), s, MidpointRounding.ToZero));

    static decimal Pow10(int scale)
    {
        var power = 1m;
        for (var i = 0; i < scale; i++) power *= 10;
        return power;
    }

    [Fact]
    public void Many_small_charges_cost_what_one_large_charge_costs_and_lose_no_fraction() =>
        Gen.Select(Rate, Quantity.Array[1, 40], Remainder).Sample((rate, parts, start) =>
        {
            var remainder = start;
            var credits = 0L;
            foreach (var part in parts)
            {
                var (debited, left) = UsagePricing.Charge(remainder, part * rate);
                Assert.InRange(left, 0m, 0.999999999999999999m);
                credits += debited;
                remainder = left;
            }
            var (whole, wholeLeft) = UsagePricing.Charge(start, parts.Sum() * rate);

            Assert.Equal(whole, credits);
            Assert.Equal(wholeLeft, remainder);
            Assert.Equal(start + parts.Sum() * rate, credits + remainder);  // nothing lost, nothing invented
        }, iter: 5_000);

    static readonly Gen<Split> SplitGen = Gen.Select(
        Gen.Int[0, 3].Select(i => new[] { ("gpt-4o", "input-token"), ("gpt-4o", "output-token"), ("whisper", "audio-second"), ("image-gen", "image") }[i]),
        Gen.Select(Gen.Long[1, 40_000], Gen.Int[0, 3], (m, s) => new decimal(m) / Pow10(s)).Array[1, 25],
        Gen.Int[1, 5],
        (feature, parts, batch) => new Split(feature.Item1, feature.Item2, parts, batch));

    sealed record Split(string Feature, string Unit, decimal[] Parts, int BatchSize)
    {
        public override string ToString() => $"{Feature}/{Unit} in batches of {BatchSize}: {string.Join(", ", Parts)}";
    }

    [Fact]
    public async Task Through_the_ledger_the_pieces_cost_what_the_whole_costs() =>
        await SplitGen.SampleAsync(async split =>
        {
            await using var pieces = new Customer(database);
            await using var whole = new Customer(database);
            await pieces.StartAsync("pro");
            await whole.StartAsync("pro");

            var n = 0;
            foreach (var batch in split.Parts.Chunk(split.BatchSize))
            {
                var outcomes = await pieces.Ingestion(database).DebitAsync(
                    batch.Select(q => pieces.Tokens(q, $"piece-{n++}", split.Feature, split.Unit)).ToList(), default);
                Assert.All(outcomes, o => Assert.Equal(LedgerOutcome.Applied, o.Result!.Outcome));
            }
            var one = (await whole.Ingestion(database).DebitAsync(
                [whole.Tokens(split.Parts.Sum(), "whole", split.Feature, split.Unit)], default))[0];
            Assert.Equal(LedgerOutcome.Applied, one.Result!.Outcome);

            var (piecesBalance, wholeBalance) = (await pieces.Ledger.GetBalanceAsync(pieces.Id), await whole.Ledger.GetBalanceAsync(whole.Id));
            Assert.Equal(wholeBalance!.Available, piecesBalance!.Available);
            Assert.Equal(wholeBalance.OverageThisPeriod, piecesBalance.OverageThisPeriod);
            Assert.Equal(await database.RemainderAsync(whole.Id), await database.RemainderAsync(pieces.Id));
            await LedgerInvariants.AssertHoldAsync(database);
        }, iter: 12, threads: 1, print: s => s.ToString());
}
