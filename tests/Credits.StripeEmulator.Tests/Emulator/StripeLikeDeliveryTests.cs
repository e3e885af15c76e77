using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Tests.Support;
using Credits.StripeEmulator.Webhooks;
using Credits.Testing;
using Stripe;

namespace Credits.StripeEmulator.Tests.Emulator;

/// <summary>
/// Webhook delivery with the emulator's defaults, which are Stripe's documented behaviour
/// (https://docs.stripe.com/webhooks): no order guarantee, occasional duplicates, retries for three
/// days with exponential backoff, events in the endpoint's API version.
/// </summary>
public sealed class StripeLikeDeliveryTests
{
    private const string OlderVersion = "2025-03-31.basil";

    private static List<Event> Parse(WebhookReceiver receiver, string secret) => receiver.Received
        .Select(d => EventUtility.ConstructEvent(d.Payload, d.Signature, secret, tolerance: 300, throwOnApiVersionMismatch: false))
        .ToList();

    [Fact]
    public async Task By_default_events_overtake_each_other_and_some_arrive_twice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Only the seed is set: the reorder window and the duplicate rate are the defaults.
        await using var emulator = await StripeEmulatorApp.StartAsync(o =>
        {
            o.WebhookUrl = receiver.Url;
            o.WebhookSecret = "whsec_defaults";
            o.WebhookSeed = 11;
        });
        var stripe = emulator.CreateClient();
        var created = new List<string>();
        for (var i = 0; i < 100; i++) created.Add((await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"order{i}@example.com" })).Id);

        await Eventually.True(() => Task.FromResult(Parse(receiver, "whsec_defaults").Select(e => e.Id).Distinct().Count() >= 100),
            TimeSpan.FromSeconds(20), "every customer.created delivered");
        await Eventually.True(async () => (int)(await emulator.Control.DeliveriesAsync())["pending"]! == 0, TimeSpan.FromSeconds(10));

        var delivered = Parse(receiver, "whsec_defaults");
        var firstArrivals = delivered.Select(e => ((Customer)e.Data.Object).Id).Distinct().ToList();
        Assert.Equal(created.Order(), firstArrivals.Order());
        Assert.NotEqual(created, firstArrivals);
        Assert.Contains(delivered.GroupBy(e => e.Id), g => g.Count() == 2);
        Assert.All(delivered.GroupBy(e => e.Id), g => Assert.InRange(g.Count(), 1, 2));
    }

    [Fact]
    public async Task Each_endpoint_gets_events_in_its_api_version_and_the_webhook_url_the_account_default()
    {
        await using var account = await WebhookReceiver.StartAsync();
        await using var pinned = await WebhookReceiver.StartAsync();
        await using var unpinned = await WebhookReceiver.StartAsync();
        await using var emulator = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AccountApiVersion = OlderVersion;
            o.WebhookUrl = account.Url;
            o.WebhookSecret = "whsec_account";
            o.WebhookDuplicateRate = 0;
        });
        var stripe = emulator.CreateClient();
        var pinnedEndpoint = await stripe.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = pinned.Url, EnabledEvents = ["customer.created"], ApiVersion = StripeConfiguration.ApiVersion,
        });
        var unpinnedEndpoint = await stripe.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions { Url = unpinned.Url, EnabledEvents = ["customer.created"] });

        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "versions@example.com" });

        await Eventually.True(() => Task.FromResult(!account.Received.IsEmpty && !pinned.Received.IsEmpty && !unpinned.Received.IsEmpty),
            TimeSpan.FromSeconds(10), "each receiver got customer.created");
        var toAccount = Parse(account, "whsec_account").Single();
        var toPinned = pinned.Received.Single();
        var toUnpinned = Parse(unpinned, unpinnedEndpoint.Secret).Single();
        Assert.Equal(OlderVersion, toAccount.ApiVersion);
        Assert.Equal(OlderVersion, toUnpinned.ApiVersion);
        // Stripe.net's version check accepts only the endpoint pinned to its own version.
        var strict = EventUtility.ConstructEvent(toPinned.Payload, toPinned.Signature, pinnedEndpoint.Secret, 300, throwOnApiVersionMismatch: true);
        Assert.Equal(customer.Id, ((Customer)strict.Data.Object).Id);
        var refused = account.Received.Single();
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(refused.Payload, refused.Signature, "whsec_account", 300, throwOnApiVersionMismatch: true));
        var listed = await stripe.V1.Events.ListAsync(new EventListOptions { Type = "customer.created" });
        Assert.Equal(OlderVersion, listed.Data.Single().ApiVersion);
    }

    [Fact]
    public void Stripe_s_schedule_doubles_from_one_unit_and_makes_its_last_attempt_at_three_days()
    {
        var options = new EmulatorOptions { WebhookRetryDelay = TimeSpan.FromMinutes(1) };

        var offsets = new List<TimeSpan> { TimeSpan.Zero };
        for (var attempt = 1; WebhookRetries.NextDelay(attempt, options) is { } delay; attempt++) offsets.Add(offsets[^1] + delay);

        Assert.Equal(14, offsets.Count);
        Assert.Equal([0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 4320], offsets.Select(o => (int)o.TotalMinutes));
        Assert.Equal(TimeSpan.FromDays(3), offsets[^1]);
    }

    [Fact]
    public void The_max_attempts_schedule_stops_after_that_many_attempts()
    {
        var options = new EmulatorOptions
        {
            WebhookRetrySchedule = WebhookRetrySchedule.MaxAttempts, WebhookMaxAttempts = 3, WebhookRetryDelay = TimeSpan.FromSeconds(1),
        };

        Assert.Equal(TimeSpan.FromSeconds(1), WebhookRetries.NextDelay(1, options));
        Assert.Equal(TimeSpan.FromSeconds(2), WebhookRetries.NextDelay(2, options));
        Assert.Null(WebhookRetries.NextDelay(3, options));
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_2xx_gets_Stripe_s_fourteen_attempts_compressed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.RefuseNext(int.MaxValue);
        await using var emulator = await StripeEmulatorApp.StartAsync(o =>
        {
            o.WebhookUrl = receiver.Url;
            o.WebhookRetryDelay = TimeSpan.FromMilliseconds(1); // three days become 4.32 s
            o.WebhookDuplicateRate = 0;
        });

        await emulator.CreateClient().V1.Customers.CreateAsync(new CustomerCreateOptions());

        await Eventually.True(async () => (int)(await emulator.Control.DeliveriesAsync())["pending"]! == 0 && receiver.Refused.Count > 0,
            TimeSpan.FromSeconds(30), "the dispatcher gave up");
        var refused = receiver.Refused.ToArray();
        Assert.Equal(14, refused.Length);
        Assert.True(refused[^1] - refused[0] >= TimeSpan.FromMilliseconds(4300), $"last attempt {refused[^1] - refused[0]} after the first");
    }
}
