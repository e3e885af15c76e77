using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using CsCheck;
using Xunit;

namespace Credits.Ledger.Tests.Properties;

/// <summary>
/// Random sequences of grants, debits (single and batched), holds, settles, releases, reversals,
/// expiries, repeated keys and reused keys, run against the real ledger and the reference model:
/// every outcome and figure must agree, the balance must equal the sum of the entries, a plan
/// without overage never goes below zero, grants burn down in order and each key is applied once.
/// </summary>
public class LedgerPropertyTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static readonly Gen<long> Credits = Gen.Long[1, 300];

    static readonly Gen<Step> StepGen = Gen.Frequency(
        (4, Gen.Select(Credits, Gen.Int[1, 3], Gen.Int[1, 240].Nullable(0.5), (c, p, e) => (Step)new GrantStep(c, p, e))),
        (6, Credits.Select(c => (Step)new DebitStep(c))),
        (2, Gen.Select(Credits.Array[1, 6], Gen.Bool, (c, r) => (Step)new DebitBatchStep(c, r))),
        (4, Gen.Select(Credits, Gen.Int[1, 90], (c, t) => (Step)new ReserveStep(c, t))),
        (3, Gen.Select(Gen.Int[0, 20], Gen.Long[0, 300], (r, a) => (Step)new SettleStep(r, a))),
        (2, Gen.Int[0, 20].Select(r => (Step)new ReleaseStep(r))),
        (1, Gen.Select(Gen.Int[0, 20], Gen.Long[1, 200].Nullable(0.5), (g, c) => (Step)new ReverseStep(g, c))),
        (2, Gen.Int[1, 120].Select(m => (Step)new WaitStep(m))),
        (2, Gen.Int[0, 50].Select(i => (Step)new RepeatStep(i))),
        (1, Gen.Int[0, 50].Select(i => (Step)new ReuseKeyStep(i))));

    static readonly Gen<Scenario> ScenarioGen =
        Gen.Select(Gen.Bool, Gen.Long[0, 500], StepGen.List[1, 40], (o, a, s) => new Scenario(o, a, s));

    [Fact]
    public async Task The_ledger_agrees_with_the_reference_model_on_random_sequences() =>
        await ScenarioGen.SampleAsync(RunAsync, iter: 60, threads: 2, print: s => s.ToString());

    async Task RunAsync(Scenario scenario)
    {
        await using var customer = new Customer(database);
        var plan = scenario.Overage ? "pro" : "hobby";
        var model = new ReferenceLedger(scenario.Overage, LedgerDatabase.Plans.Get(plan).LowBalanceThresholds);
        var ledger = customer.Ledger;
        var clock = customer.Clock;

        var start = await customer.StartAsync(plan, scenario.Allowance);
        if (scenario.Allowance > 0) model.AddGrant(start.IdempotencyKey, scenario.Allowance, GrantPriorities.DefaultFor(GrantSource.PlanAllowance), Customer.PeriodEnd);

        var keyed = new List<(LedgerCommand Command, LedgerResult Result)>();   // operations that wrote entries
        var reservationIds = new List<Guid>();
        var grantKeys = new List<string>();
        var step = 0;

        foreach (var s in scenario.Steps)
        {
            step++;
            clock.Advance(TimeSpan.FromSeconds(1));
            var now = clock.Now;
            if (s is WaitStep wait) { clock.Advance(TimeSpan.FromMinutes(wait.Minutes)); now = clock.Now; }
            model.Begin(now);

            switch (s)
            {
                case RepeatStep repeat when keyed.Count > 0:
                {
                    var (command, original) = keyed[repeat.Earlier % keyed.Count];
                    var again = (await ledger.ApplyAsync([command]))[0];
                    Assert.Equal(LedgerOutcome.Duplicate, again.Outcome);
                    Assert.Equal((original.Debited, original.Overage, original.WrittenOff, original.Granted, original.ReservationId),
                        (again.Debited, again.Overage, again.WrittenOff, again.Granted, again.ReservationId));
                    CheckFigures(again, model, now, step);
                    continue;
                }
                case ReuseKeyStep reuse when keyed.Count > 0:
                {
                    var key = keyed[reuse.Earlier % keyed.Count].Command.IdempotencyKey;
                    var conflict = await ledger.DebitAsync(new DebitCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = 987_654 });
                    Assert.Equal(LedgerOutcome.Conflict, conflict.Outcome);
                    CheckFigures(conflict, model, now, step);
                    continue;
                }
                case DebitBatchStep batch:
                {
                    var commands = batch.Credits.Select(c => new DebitCredits { CustomerId = customer.Id, IdempotencyKey = customer.NextKey(), Credits = c }).ToList();
                    if (batch.RepeatFirst) commands.Add(commands[0]);
                    var results = await ledger.DebitBatchAsync(commands);
                    for (var i = 0; i < batch.Credits.Length; i++)
                    {
                        var expected = model.Debit(batch.Credits[i], now);
                        Check(results[i], expected, model, now, step);
                        keyed.Add((commands[i], results[i]));
                    }
                    if (batch.RepeatFirst)
                    {
                        Assert.Equal(LedgerOutcome.Duplicate, results[^1].Outcome);
                        Assert.Equal(results[0].Debited, results[^1].Debited);
                    }
                    continue;
                }
            }

            var (cmd, exp) = Plan(s);
            var result = (await ledger.ApplyAsync([cmd]))[0];
            Check(result, exp, model, now, step);
            if (exp.WroteEntries) keyed.Add((cmd, result));
            if (cmd is ReserveCredits && result.Outcome == LedgerOutcome.Applied) reservationIds.Add(result.ReservationId!.Value);
            if (cmd is GrantCredits) grantKeys.Add(cmd.IdempotencyKey);

            (LedgerCommand, ReferenceLedger.Expected) Plan(Step s)
            {
                var key = customer.NextKey();
                switch (s)
                {
                    case GrantStep g:
                        var expiresAt = g.ExpiresInMinutes is { } m ? now.AddMinutes(m) : (DateTimeOffset?)null;
                        return (new GrantCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = g.Credits, Source = GrantSource.Promotion, Priority = g.Priority, ExpiresAt = expiresAt },
                            model.AddGrant(key, g.Credits, g.Priority, expiresAt));
                    case DebitStep d:
                        return (new DebitCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = d.Credits }, model.Debit(d.Credits, now));
                    case ReserveStep r:
                        return (new ReserveCredits { CustomerId = customer.Id, IdempotencyKey = key, Credits = r.Credits, TimeToLive = TimeSpan.FromMinutes(r.TimeToLiveMinutes) },
                            model.Reserve(r.Credits, TimeSpan.FromMinutes(r.TimeToLiveMinutes), now));
                    case SettleStep st when reservationIds.Count > 0:
                        var settled = st.Reservation % reservationIds.Count;
                        return (new SettleReservation { CustomerId = customer.Id, IdempotencyKey = key, ReservationId = reservationIds[settled], ActualCredits = st.Actual },
                            model.Settle(model.Reservations[settled], st.Actual, now));
                    case ReleaseStep rl when reservationIds.Count > 0:
                        var released = rl.Reservation % reservationIds.Count;
                        return (new ReleaseReservation { CustomerId = customer.Id, IdempotencyKey = key, ReservationId = reservationIds[released] },
                            model.Release(model.Reservations[released]));
                    case SettleStep or ReleaseStep:
                        return (new ReleaseReservation { CustomerId = customer.Id, IdempotencyKey = key, ReservationId = Guid.NewGuid() },
                            new ReferenceLedger.Expected(LedgerOutcome.NotFound));
                    case ReverseStep rv when grantKeys.Count > 0:
                        var grantKey = grantKeys[rv.Grant % grantKeys.Count];
                        return (new ReverseGrant { CustomerId = customer.Id, IdempotencyKey = key, GrantKey = grantKey, Credits = rv.Credits },
                            model.Reverse(model.Grants.Single(x => x.Key == grantKey), rv.Credits));
                    default: // a wait, or a step with nothing to refer to yet: the expiry sweep
                        return (new ExpireDue { CustomerId = customer.Id, IdempotencyKey = "" }, new ReferenceLedger.Expected(LedgerOutcome.Applied));
                }
            }
        }

        // Burn-down order: every grant has exactly what the model left in it.
        await using var db = database.NewContext();
        var remaining = db.Set<CreditGrant>().Where(g => g.CustomerId == customer.Id && g.Source != GrantSource.Rollover)
            .ToDictionary(g => g.IdempotencyKey, g => g.Remaining);
        Assert.Equal(model.Grants.ToDictionary(g => g.Key, g => g.Remaining).OrderBy(x => x.Key), remaining.OrderBy(x => x.Key));
        // Every key that wrote entries is there once (the start and the model's operations), no other.
        var keys = db.Set<LedgerEntry>().Where(e => e.CustomerId == customer.Id && e.Sequence == 0 && e.Fingerprint != EntryHashes.Fingerprint("expiry"))
            .Select(e => e.IdempotencyKey).ToList();
        Assert.Equal(keyed.Count + 1, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        var account = db.Set<LedgerAccount>().Single(a => a.CustomerId == customer.Id);
        Assert.Equal(account.Balance, db.Set<LedgerEntry>().Where(e => e.CustomerId == customer.Id).Sum(e => e.Amount));
        Assert.Equal(account.Held, db.Set<LedgerEntry>().Where(e => e.CustomerId == customer.Id).Sum(e => e.HeldChange));
        Assert.True(account.Balance >= 0);
        if (!scenario.Overage) Assert.Equal(0, account.OverageThisPeriod);
        Assert.Equal(model.Overage, account.OverageThisPeriod);
    }

    static void Check(LedgerResult actual, ReferenceLedger.Expected expected, ReferenceLedger model, DateTimeOffset now, int step)
    {
        Assert.True(expected.Outcome == actual.Outcome, $"step {step}: expected {expected.Outcome}, got {actual.Outcome} ({actual.Reason})");
        Assert.Equal((expected.Debited, expected.Overage, expected.WrittenOff), (actual.Debited, actual.Overage, actual.WrittenOff));
        if (actual.Outcome == LedgerOutcome.Applied)
        {
            var (thresholds, exhausted) = model.Crossings(now);
            Assert.Equal(thresholds, actual.ThresholdsCrossed);
            Assert.Equal(exhausted, actual.Exhausted);
        }
        CheckFigures(actual, model, now, step);
    }

    static void CheckFigures(LedgerResult actual, ReferenceLedger model, DateTimeOffset now, int step)
    {
        Assert.True(model.Available(now) == actual.Account!.Available, $"step {step}: available {actual.Account.Available}, model {model.Available(now)}");
        Assert.Equal(model.Held, actual.Account.Held);
    }
}
