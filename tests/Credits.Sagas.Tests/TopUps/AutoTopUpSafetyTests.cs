using Credits.Contracts.Customers;
using Credits.Contracts.Ledger;
using Credits.Contracts.TopUps;
using Credits.Sagas.StateMachines;
using MassTransit;

namespace Credits.Sagas.Tests.TopUps;

/// <summary>The auto top-up's monthly cap and its stop after consecutive failures (docs/lifecycle/auto-top-up.md).</summary>
public class AutoTopUpSafetyTests
{
    const long Pack = 500;

    sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    sealed class Customer(SagaHarness h, string id)
    {
        public Guid SagaId => SagaKeys.ForAutoTopUp(id);
        int _lows;

        public async Task ConfigureAsync(bool enabled = true, long? monthlyCap = null)
        {
            var before = await h.PublishedCount<SetCustomerLowBalanceThreshold>(m => m.CustomerId == id);
            await h.Bus.Bus.Publish(new ConfigureAutoTopUp
            {
                CustomerId = id, StripeCustomerId = "cus_" + id, Enabled = enabled, Threshold = 100, Credits = 500, Amount = Pack, MonthlyCap = monthlyCap,
            });
            await WaitUntil(async () => await h.PublishedCount<SetCustomerLowBalanceThreshold>(m => m.CustomerId == id) > before, "the policy applied");
        }

        public Task<int> PurchasesAsync() => h.PublishedCount<PurchaseCredits>(m => m.CustomerId == id);

        /// <summary>A low balance; returns the purchase it started, or null when it started none (after the saga consumed it).</summary>
        public async Task<PurchaseCredits?> LowBalanceAsync()
        {
            var before = await PurchasesAsync();
            await h.Bus.Bus.Publish(new CreditBalanceLow { CustomerId = id, Threshold = 100, Available = 10 });
            _lows++;
            await WaitUntil(async () => await ConsumedLowsAsync() >= _lows, "the low balance consumed");
            // The purchase leaves through the saga's outbox after its state is saved: give it the same chance to appear.
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (await PurchasesAsync() == before && DateTime.UtcNow < deadline) await Task.Delay(20);
            if (await PurchasesAsync() == before) return null;
            return h.Bus.Published.Select<PurchaseCredits>(m => m.Context.Message.CustomerId == id).Last().Context.Message;
        }

        Task<int> ConsumedLowsAsync() => Task.FromResult(h.Bus.Consumed.Select<CreditBalanceLow>(m => m.Context.Message.CustomerId == id).Count());

        public async Task PaidAsync(PurchaseCredits p)
        {
            await h.Bus.Bus.Publish(new CreditsPurchased { PurchaseId = p.PurchaseId, CustomerId = id, Credits = p.Credits });
            Assert.NotNull(await h.AutoTopUps.Exists(SagaId, h.AutoTopUpMachine.Idle));
        }

        public async Task DeclinedAsync(PurchaseCredits p, string reason = "the payment was declined: Your card was declined.")
        {
            await h.Bus.Bus.Publish(new PurchaseCancelled { PurchaseId = p.PurchaseId, CustomerId = id, Reason = reason });
            await h.WaitForSagaConsumed<AutoTopUpState, PurchaseCancelled>(h.AutoTopUps, m => m.PurchaseId == p.PurchaseId);
            Assert.Null(State().PurchaseId);   // the purchase's end applied
        }

        public AutoTopUpState State() => h.AutoTopUps.Sagas.Contains(SagaId) ?? throw new Xunit.Sdk.XunitException("no auto top-up saga");

        public Task<int> CapEventsAsync() => h.PublishedCount<AutoTopUpCapReached>(m => m.CustomerId == id);

        static async Task WaitUntil(Func<Task<bool>> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await condition())
            {
                if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("timed out waiting for " + what);
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task The_cap_stops_purchases_that_would_exceed_it_and_says_so_once_a_month()
    {
        await using var h = await SagaHarness.Start(clock: new ManualClock(new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero)));
        var c = new Customer(h, "cap-1");
        await c.ConfigureAsync(monthlyCap: 3 * Pack);

        for (var i = 0; i < 3; i++) await c.PaidAsync((await c.LowBalanceAsync())!);
        Assert.Equal(3 * Pack, c.State().StartedThisMonth);

        Assert.Null(await c.LowBalanceAsync());
        Assert.Null(await c.LowBalanceAsync());
        Assert.Equal(3, await c.PurchasesAsync());
        Assert.Equal(1, await c.CapEventsAsync());
        var reached = await h.PublishedOne<AutoTopUpCapReached>(m => m.CustomerId == "cap-1");
        Assert.Equal((new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 3 * Pack, 3 * Pack, Pack),
            (reached.Month, reached.MonthlyCap, reached.StartedThisMonth, reached.Amount));
        Assert.Equal(h.AutoTopUpMachine.Idle.Name, c.State().CurrentState);
    }

    [Fact]
    public async Task Declined_purchases_count_against_the_cap_because_it_counts_what_was_started()
    {
        await using var h = await SagaHarness.Start(clock: new ManualClock(new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero)));
        var c = new Customer(h, "cap-2");
        await c.ConfigureAsync(monthlyCap: 2 * Pack);

        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.PaidAsync((await c.LowBalanceAsync())!);

        Assert.Null(await c.LowBalanceAsync());
        Assert.Equal(2, await c.PurchasesAsync());
    }

    [Fact]
    public async Task A_new_month_starts_the_count_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero));
        await using var h = await SagaHarness.Start(clock: clock);
        var c = new Customer(h, "cap-3");
        await c.ConfigureAsync(monthlyCap: Pack);

        await c.PaidAsync((await c.LowBalanceAsync())!);
        Assert.Null(await c.LowBalanceAsync());
        Assert.Equal(1, await c.CapEventsAsync());

        clock.Now = new DateTimeOffset(2026, 12, 1, 0, 0, 1, TimeSpan.Zero);
        var december = await c.LowBalanceAsync();
        Assert.NotNull(december);
        Assert.Equal(Pack, c.State().StartedThisMonth);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), c.State().CapMonth);
        await c.PaidAsync(december!);

        // December's cap is reached in its turn: its own event.
        Assert.Null(await c.LowBalanceAsync());
        Assert.Equal(2, await c.CapEventsAsync());
    }

    [Fact]
    public async Task The_default_cap_applies_when_the_policy_names_none()
    {
        await using var h = await SagaHarness.Start(autoTopUp: new AutoTopUpOptions { DefaultMonthlyCap = 2 * Pack });
        var c = new Customer(h, "cap-4");
        await c.ConfigureAsync();
        Assert.Equal(2 * Pack, c.State().MonthlyCap);

        await c.PaidAsync((await c.LowBalanceAsync())!);
        await c.PaidAsync((await c.LowBalanceAsync())!);
        Assert.Null(await c.LowBalanceAsync());
    }

    [Fact]
    public async Task Three_unpaid_purchases_in_a_row_stop_auto_top_up_with_the_last_reason()
    {
        await using var h = await SagaHarness.Start();
        var c = new Customer(h, "fail-1");
        await c.ConfigureAsync();

        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.DeclinedAsync((await c.LowBalanceAsync())!, "the payment was declined: there is no saved card to charge");
        var third = (await c.LowBalanceAsync())!;
        await c.DeclinedAsync(third, "the payment was declined: the payment needs the customer (requires_action)");

        Assert.NotNull(await h.AutoTopUps.Exists(c.SagaId, h.AutoTopUpMachine.Suspended));
        var suspended = await h.PublishedOne<AutoTopUpSuspended>(m => m.CustomerId == "fail-1");
        Assert.Equal((3, third.PurchaseId, "the payment was declined: the payment needs the customer (requires_action)"),
            (suspended.ConsecutiveFailures, suspended.LastPurchaseId, suspended.Reason));
        Assert.False(c.State().Enabled);
        // The ledger stops reporting the customer's threshold.
        await h.PublishedOne<SetCustomerLowBalanceThreshold>(m => m.CustomerId == "fail-1" && m.Threshold == null);

        // Stopped: low balances buy nothing, a new card does not restart it.
        Assert.Null(await c.LowBalanceAsync());
        await h.Bus.Bus.Publish(new CardSaved { CustomerId = "fail-1", StripeCustomerId = "cus_fail-1", PaymentMethodId = "pm_new", Source = "card-setup" });
        await h.Bus.Bus.Publish(new CreditsExhausted { CustomerId = "fail-1" });
        await h.WaitForConsumed<CreditsExhausted>(1);
        Assert.Null(await c.LowBalanceAsync());
        Assert.Equal(3, await c.PurchasesAsync());
        Assert.Equal(1, await h.PublishedCount<AutoTopUpSuspended>(m => m.CustomerId == "fail-1"));
    }

    [Fact]
    public async Task A_paid_purchase_starts_the_failure_count_again()
    {
        await using var h = await SagaHarness.Start();
        var c = new Customer(h, "fail-2");
        await c.ConfigureAsync();

        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.PaidAsync((await c.LowBalanceAsync())!);
        Assert.Equal(0, c.State().ConsecutiveFailures);
        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.DeclinedAsync((await c.LowBalanceAsync())!);

        Assert.Equal((h.AutoTopUpMachine.Idle.Name, 2, true), (c.State().CurrentState, c.State().ConsecutiveFailures, c.State().Enabled));
        Assert.NotNull(await c.LowBalanceAsync());
        Assert.Equal(0, await h.PublishedCount<AutoTopUpSuspended>(m => m.CustomerId == "fail-2"));
    }

    [Fact]
    public async Task Enabling_again_restarts_a_stopped_auto_top_up_with_a_fresh_count()
    {
        await using var h = await SagaHarness.Start(autoTopUp: new AutoTopUpOptions { MaxConsecutiveFailures = 2 });
        var c = new Customer(h, "fail-3");
        await c.ConfigureAsync();
        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        Assert.NotNull(await h.AutoTopUps.Exists(c.SagaId, h.AutoTopUpMachine.Suspended));

        // Disabling keeps it stopped (and the reason shown); enabling restarts it.
        await c.ConfigureAsync(enabled: false);
        Assert.Equal(h.AutoTopUpMachine.Suspended.Name, c.State().CurrentState);
        await c.ConfigureAsync(enabled: true);
        Assert.NotNull(await h.AutoTopUps.Exists(c.SagaId, h.AutoTopUpMachine.Idle));
        Assert.Equal((0, (DateTimeOffset?)null, true), (c.State().ConsecutiveFailures, c.State().SuspendedAt, c.State().Enabled));

        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        Assert.Equal(h.AutoTopUpMachine.Idle.Name, c.State().CurrentState);
        Assert.NotNull(await c.LowBalanceAsync());
    }

    [Fact]
    public async Task A_new_default_card_starts_the_failure_count_again()
    {
        await using var h = await SagaHarness.Start();
        var c = new Customer(h, "fail-4");
        await c.ConfigureAsync();
        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        await c.DeclinedAsync((await c.LowBalanceAsync())!);

        await h.Bus.Bus.Publish(new CardSaved { CustomerId = "fail-4", StripeCustomerId = "cus_fail-4", PaymentMethodId = "pm_new", Source = "card-setup" });
        await h.WaitForConsumed<CardSaved>(1);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (c.State().ConsecutiveFailures != 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, c.State().ConsecutiveFailures);

        await c.DeclinedAsync((await c.LowBalanceAsync())!);
        Assert.Equal((h.AutoTopUpMachine.Idle.Name, 1), (c.State().CurrentState, c.State().ConsecutiveFailures));
    }
}
