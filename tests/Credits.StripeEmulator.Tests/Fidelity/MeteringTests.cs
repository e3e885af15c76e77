using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;
using Stripe.Billing;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    private Task<Stripe.Billing.MeterEvent> ReportAsync(Stripe.Billing.Meter meter, string customer, int value, string identifier, DateTime at) =>
        Client.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = meter.EventName,
            Identifier = identifier,
            Timestamp = at,
            Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer, ["value"] = value.ToString() },
        });

    private async Task<decimal> SummedAsync(Stripe.Billing.Meter meter, string customer, DateTime start, DateTime end)
    {
        var summaries = await Client.V1.Billing.Meters.EventSummaries.ListAsync(meter.Id, new MeterEventSummaryListOptions
        {
            Customer = customer, StartTime = start, EndTime = end,
        });
        return summaries.Data.Sum(s => (decimal)s.AggregatedValue);
    }

    [StripeFact]
    public async Task Meter_events_are_summed_a_repeated_identifier_is_refused_and_a_cancelled_one_drops_out()
    {
        var customer = await CustomerWithCardAsync();
        var (_, _, meter) = await CatalogAsync();
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(-1);
        var first = await ReportAsync(meter, customer.Id, 7, $"usage-{Target.Unique}-1", now.AddMinutes(-1));
        await ReportAsync(meter, customer.Id, 5, $"usage-{Target.Unique}-2", now.AddMinutes(-1));

        var duplicate = await Assert.ThrowsAsync<StripeException>(() => ReportAsync(meter, customer.Id, 7, $"usage-{Target.Unique}-1", now.AddMinutes(-1)));
        var adjustment = await Client.V1.Billing.MeterEventAdjustments.CreateAsync(new MeterEventAdjustmentCreateOptions
        {
            EventName = meter.EventName, Type = "cancel", Cancel = new MeterEventAdjustmentCancelOptions { Identifier = $"usage-{Target.Unique}-2" },
        });

        AssertShapedLike(first, "billing.meter_event");
        AssertShapedLike(adjustment, "billing.meter_event_adjustment");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, duplicate.HttpStatusCode);
        // Stripe's v1 body: no code and no param, the identifier in the message, and not to be retried.
        Assert.Equal("invalid_request_error", duplicate.StripeError.Type);
        Assert.Null(duplicate.StripeError.Code);
        Assert.Equal($"An event already exists with identifier usage-{Target.Unique}-1.", duplicate.StripeError.Message);
        Assert.Equal("false", duplicate.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, start, start.AddHours(3)) == 7,
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.1 : 5), "summary equals the events not cancelled");
        var summaries = await Client.V1.Billing.Meters.EventSummaries.ListAsync(meter.Id, new MeterEventSummaryListOptions
        {
            Customer = customer.Id, StartTime = start, EndTime = start.AddHours(3),
        });
        AssertShapedLike(StripeFixtures.Raw(summaries)["data"]![0]!.AsObject(), "billing.meter_event_summary");
    }

    [StripeFact]
    public async Task The_v2_meter_event_stream_takes_batches_with_a_session_token_on_MeterEventsBase()
    {
        var customer = await CustomerWithCardAsync();
        var (_, _, meter) = await CatalogAsync();
        var session = await Client.V2.Billing.MeterEventSession.CreateAsync(new Stripe.V2.Billing.MeterEventSessionCreateOptions());
        Assert.InRange(session.ExpiresAt - session.Created, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        var stream = Target.IsEmulator ? Target.Emulator!.CreateClient(session.AuthenticationToken) : new StripeClient(session.AuthenticationToken);

        await stream.V2.Billing.MeterEventStream.CreateAsync(new Stripe.V2.Billing.MeterEventStreamCreateOptions
        {
            Events = Enumerable.Range(1, 3).Select(i => new Stripe.V2.Billing.MeterEventStreamCreateEventOptions
            {
                EventName = meter.EventName,
                Identifier = $"stream-{Target.Unique}-{i}",
                Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer.Id, ["value"] = "10" },
                Timestamp = DateTime.UtcNow.AddSeconds(-5),
            }).ToList(),
        });
        var single = await Client.V2.Billing.MeterEvents.CreateAsync(new Stripe.V2.Billing.MeterEventCreateOptions
        {
            EventName = meter.EventName,
            Identifier = $"v2-{Target.Unique}",
            Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer.Id, ["value"] = "1" },
        });

        Assert.Equal(meter.EventName, single.EventName);
        var start = DateTime.UtcNow.Date;
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, start, start.AddDays(1)) == 31,
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.1 : 5), "streamed and single v2 events are aggregated");
    }

    [StripeFact]
    public async Task A_repeated_v2_identifier_is_refused_with_duplicate_meter_event_and_a_repeat_in_the_stream_is_dropped()
    {
        var customer = await CustomerWithCardAsync();
        var (_, _, meter) = await CatalogAsync();
        Stripe.V2.Billing.MeterEventCreateOptions Event(string value) => new()
        {
            EventName = meter.EventName,
            Identifier = $"v2-dup-{Target.Unique}",
            Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer.Id, ["value"] = value },
        };
        await Client.V2.Billing.MeterEvents.CreateAsync(Event("3"));

        var duplicate = await Assert.ThrowsAsync<StripeException>(() => Client.V2.Billing.MeterEvents.CreateAsync(Event("3")));
        var session = await Client.V2.Billing.MeterEventSession.CreateAsync(new Stripe.V2.Billing.MeterEventSessionCreateOptions());
        var stream = Target.IsEmulator ? Target.Emulator!.CreateClient(session.AuthenticationToken) : new StripeClient(session.AuthenticationToken);
        await stream.V2.Billing.MeterEventStream.CreateAsync(new Stripe.V2.Billing.MeterEventStreamCreateOptions
        {
            Events = [new() { EventName = meter.EventName, Identifier = $"v2-dup-{Target.Unique}", Payload = new Dictionary<string, string> { ["stripe_customer_id"] = customer.Id, ["value"] = "3" } }],
        });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, duplicate.HttpStatusCode);
        Assert.Equal("duplicate_meter_event", duplicate.StripeError.Code);
        var start = DateTime.UtcNow.Date;
        await Eventually.True(async () => await SummedAsync(meter, customer.Id, start, start.AddDays(1)) == 3,
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.1 : 5), "the first event counts, neither repeat does");
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task An_expired_stream_session_answers_401_temporary_session_expired()
    {
        var (_, _, meter) = await CatalogAsync();
        var session = await Client.V2.Billing.MeterEventSession.CreateAsync(new Stripe.V2.Billing.MeterEventSessionCreateOptions());
        await Control.ExpireMeterEventSessionsAsync();
        var stream = Target.Emulator!.CreateClient(session.AuthenticationToken);

        var error = await Assert.ThrowsAsync<Stripe.V2.TemporarySessionExpiredException>(() =>
            stream.V2.Billing.MeterEventStream.CreateAsync(new Stripe.V2.Billing.MeterEventStreamCreateOptions
            {
                Events = [new() { EventName = meter.EventName, Payload = new Dictionary<string, string> { ["stripe_customer_id"] = "cus_x", ["value"] = "1" } }],
            }));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.HttpStatusCode);
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task Summaries_lag_behind_events_by_the_configured_aggregation_delay()
    {
        var customer = await CustomerWithCardAsync();
        var (_, _, meter) = await CatalogAsync();
        await Control.ConfigureAsync(new { aggregationDelayMs = 1500 });
        try
        {
            await ReportAsync(meter, customer.Id, 4, $"late-{Guid.NewGuid():n}", DateTime.UtcNow.AddSeconds(-1));
            var start = DateTime.UtcNow.Date;

            Assert.Equal(0, await SummedAsync(meter, customer.Id, start, start.AddDays(1)));
            await Eventually.True(async () => await SummedAsync(meter, customer.Id, start, start.AddDays(1)) == 4, TimeSpan.FromSeconds(10));
        }
        finally
        {
            await Control.ConfigureAsync(new { aggregationDelayMs = 0 });
        }
    }
}
