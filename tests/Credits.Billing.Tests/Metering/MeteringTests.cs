using Credits.Billing.Metering;
using Credits.Billing.Tests.Support;
using Credits.StripeEmulator.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Billing.Tests.Metering;

/// <summary>Overage reaches the Stripe meter exactly once, whatever Stripe answers.</summary>
public abstract class MeteringTests<TFixture>(TFixture billing) where TFixture : BillingServices
{
    protected readonly TFixture Billing = billing;
    protected abstract string MeterPath { get; }

    protected Task<MeteringFlush> FlushAsync() => Billing.InScopeAsync(sp => sp.GetRequiredService<OverageMeter>().FlushAsync());

    protected MeteringStatistics Statistics => Billing.Services.GetRequiredService<MeteringStatistics>();

    /// <summary>Flushes without faults until nothing is pending (a bounded number of times).</summary>
    protected async Task DrainAsync()
    {
        Billing.Faults.Clear();
        for (var i = 0; i < 5 && (await FlushAsync()).Sent > 0; i++) { }
    }

    [Fact]
    public async Task Overage_reaches_the_meter_exactly_once_through_500s_429s_and_lost_answers()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(Billing);
        var customers = new List<ProCustomer>();
        for (var i = 0; i < 6; i++) customers.Add(await ProCustomer.CreateAsync(Billing));
        var failedBefore = Statistics.FailedCalls;
        FaultRule[] rounds =
        [
            // Three failed requests a round: the first call fails even after our retry and is left to the next flush.
            new() { Method = "POST", Path = MeterPath, Status = 500, Times = 3 },
            new() { Method = "POST", Path = MeterPath, Status = 429, Times = 3 },
            // Stripe records the events, the answer is lost: the resend must not count them again.
            new() { Method = "POST", Path = MeterPath, Status = 500, AfterExecution = true, Times = 3 },
            new() { Method = "POST", Path = MeterPath, Status = 503, Rate = 0.3 },
        ];
        var random = new Random(42);
        foreach (var fault in rounds)
        {
            Billing.Faults.Clear();
            Billing.Faults.Add(fault);
            for (var flush = 0; flush < 3; flush++)
            {
                foreach (var customer in customers) await customer.SpendAsync(Billing, random.Next(5, 40));
                await FlushAsync();
            }
        }
        await DrainAsync();

        Assert.True(Statistics.FailedCalls >= failedBefore + 3, "each deterministic round must have failed a call");
        await MeterAssertions.AssertMeterMatchesLedgerAsync(Billing, meterId, customers);
    }

    [Fact]
    public async Task Overage_of_a_customer_with_the_longest_id_is_reported_under_an_identifier_Stripe_takes()
    {
        // 128 characters, the longest customer id Credits takes: "overage:<id>:<ticks>:<entry>" would be ~160, past
        // Stripe's 100, and Stripe would refuse the report on every flush (the overage never billed).
        var meterId = await MeterAssertions.EnsureMeterAsync(Billing);
        var id = "c_" + Guid.NewGuid().ToString("N") + new string('x', 94);
        Assert.Equal(128, id.Length);
        var customer = await ProCustomer.CreateAsync(Billing, id: id);
        await customer.SpendAsync(Billing, 25);

        await DrainAsync();

        await MeterAssertions.AssertMeterMatchesLedgerAsync(Billing, meterId, [customer]);
    }

    [Fact]
    public async Task Late_overage_of_the_previous_period_is_stamped_inside_that_period_so_its_invoice_bills_it()
    {
        // The period rolled ten minutes ago; usage of the old period arrives now, inside the ledger's late-usage
        // grace. Its overage belongs to the old period, so its meter event must fall in the old period too:
        // Stripe bills a meter event on the invoice of the period its timestamp falls in.
        await MeterAssertions.EnsureMeterAsync(Billing);
        var roll = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        var customer = await ProCustomer.CreateAsync(Billing, allowance: 10, periodEnd: roll);
        await customer.RenewAsync(Billing, roll, roll.AddDays(30));
        await customer.SpendAsync(Billing, 25, occurredAt: roll.AddMinutes(-3));
        await DrainAsync();

        var report = await Billing.InScopeAsync(sp => sp.GetRequiredService<BillingTestDbContext>().Set<Storage.MeterReport>()
            .SingleAsync(r => r.CustomerId == customer.Id));
        Assert.Equal((roll.AddDays(-30), 15L), (report.PeriodStart, report.Quantity));
        Assert.InRange(report.Timestamp, roll.AddDays(-30), roll.AddSeconds(-1));
    }

    [Fact]
    public async Task Several_instances_flushing_at_once_report_each_credit_once()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(Billing);
        var customers = new List<ProCustomer>();
        for (var i = 0; i < 4; i++) customers.Add(await ProCustomer.CreateAsync(Billing));
        for (var round = 0; round < 5; round++)
        {
            var spending = customers.Select(c => c.SpendAsync(Billing, 17));
            var flushing = Enumerable.Range(0, 3).Select(_ => FlushAsync());
            await Task.WhenAll(spending.Concat<Task>(flushing));
        }
        await DrainAsync();

        await MeterAssertions.AssertMeterMatchesLedgerAsync(Billing, meterId, customers);
    }

    [Fact]
    public async Task A_flush_makes_at_most_one_meter_call_per_customer()
    {
        await MeterAssertions.EnsureMeterAsync(Billing);
        await DrainAsync();
        var customers = new List<ProCustomer>();
        for (var i = 0; i < 5; i++) customers.Add(await ProCustomer.CreateAsync(Billing));
        // Many usage events per customer between two flushes.
        for (var i = 0; i < 10; i++)
            foreach (var customer in customers) await customer.SpendAsync(Billing, 3);
        var callsBefore = Statistics.MeterCalls;

        var flush = await FlushAsync();

        Assert.Equal(customers.Count, flush.Accepted);
        Assert.InRange(Statistics.MeterCalls - callsBefore, 1, customers.Count);
    }
}

public sealed class Metering_over_the_v2_stream(StreamMetering billing)
    : MeteringTests<StreamMetering>(billing), IClassFixture<StreamMetering>
{
    protected override string MeterPath => "/v2/billing/meter_event_stream";

    [Fact]
    public async Task An_expired_session_is_renewed_and_the_events_resent()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(Billing);
        var customer = await ProCustomer.CreateAsync(Billing);
        await customer.SpendAsync(Billing, 25);
        await FlushAsync();
        var sessions = Statistics.SessionsCreated;
        using (var http = new HttpClient { BaseAddress = Billing.Emulator.BaseUrl })
            (await http.PostAsync("/_emulator/meter_event_sessions/expire", null)).EnsureSuccessStatusCode();

        await customer.SpendAsync(Billing, 30);
        var flush = await FlushAsync();

        Assert.Equal(1, flush.Accepted);
        Assert.Equal(sessions + 1, Statistics.SessionsCreated);
        await MeterAssertions.AssertMeterMatchesLedgerAsync(Billing, meterId, [customer]);
    }
}

public sealed class Metering_over_v1_meter_events(V1Metering billing)
    : MeteringTests<V1Metering>(billing), IClassFixture<V1Metering>
{
    protected override string MeterPath => "/v1/billing/meter_events";

    [Fact]
    public async Task A_stored_500_then_Stripe_refusing_the_resent_identifier_marks_the_report_reported_and_sends_it_no_more()
    {
        var meterId = await MeterAssertions.EnsureMeterAsync(Billing);
        await DrainAsync();
        var customer = await ProCustomer.CreateAsync(Billing);
        await customer.SpendAsync(Billing, 40);
        // Stripe records the event and answers a 500 it saves under that request's key; our retry is a new
        // request for the same identifier, which Stripe refuses as a duplicate: the usage is counted.
        Billing.Faults.Add(new FaultRule { Method = "POST", Path = MeterPath, Status = 500, Stored = true, Times = 1 });

        var flush = await FlushAsync();
        var again = await FlushAsync();

        Assert.Equal(1, flush.Accepted);
        Assert.Equal(0, flush.Pending);
        Assert.Equal(0, again.Sent);
        await MeterAssertions.AssertMeterMatchesLedgerAsync(Billing, meterId, [customer]);
    }
}
