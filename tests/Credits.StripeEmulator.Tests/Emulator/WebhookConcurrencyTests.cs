using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;

namespace Credits.StripeEmulator.Tests.Emulator;

/// <summary>
/// How many deliveries are in flight at once: <c>WebhookConcurrency</c>. Stripe delivers an endpoint's events
/// concurrently (https://docs.stripe.com/webhooks); the emulator's default of 1 is serial.
/// </summary>
public sealed class WebhookConcurrencyTests
{
    private static Task<RunningEmulator> StartAsync(WebhookReceiver receiver, int? concurrency) =>
        StripeEmulatorApp.StartAsync(o =>
        {
            o.WebhookUrl = receiver.Url;
            // Every event queued at once, each once: only the concurrency decides how many overlap.
            o.WebhookReorderWindow = TimeSpan.Zero;
            o.WebhookDuplicateRate = 0;
            if (concurrency is { } n) o.WebhookConcurrency = n;
        });

    private static Task CreateCustomersAsync(RunningEmulator emulator, int count)
    {
        var stripe = emulator.CreateClient();
        return Task.WhenAll(Enumerable.Range(0, count).Select(i => stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"c{i}@example.com" })));
    }

    private static Task AllDeliveredAsync(RunningEmulator emulator, WebhookReceiver receiver, int count) =>
        Eventually.True(async () => receiver.Received.Count >= count && (int)(await emulator.Control.DeliveriesAsync())["pending"]! == 0,
            TimeSpan.FromSeconds(20), $"{count} deliveries answered");

    [Fact]
    public async Task With_a_concurrency_of_four_four_held_deliveries_are_in_flight_at_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = () => release.Task;
        await using var emulator = await StartAsync(receiver, concurrency: 4);

        await CreateCustomersAsync(emulator, 8);

        try
        {
            // Serial delivery never gets past the first held request. (Under the dispatcher's 10 s request timeout.)
            await Eventually.True(() => Task.FromResult(receiver.MostAtOnce >= 4), TimeSpan.FromSeconds(8), "four deliveries held at once");
        }
        finally
        {
            release.TrySetResult();
        }
        await AllDeliveredAsync(emulator, receiver, 8);
        Assert.Equal(4, receiver.MostAtOnce);
        Assert.Equal(8, receiver.Received.Count);
    }

    [Fact]
    public async Task By_default_one_delivery_is_in_flight_at_a_time()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Each answer takes a while, so concurrent deliveries would overlap.
        receiver.Hold = () => Task.Delay(20);
        await using var emulator = await StartAsync(receiver, concurrency: null);

        await CreateCustomersAsync(emulator, 20);

        await AllDeliveredAsync(emulator, receiver, 20);
        Assert.Equal(1, receiver.MostAtOnce);
    }

    [Fact]
    public async Task A_concurrency_below_one_stops_the_emulator_at_start_up()
    {
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StripeEmulatorApp.StartAsync(o => o.WebhookConcurrency = 0));
    }
}
