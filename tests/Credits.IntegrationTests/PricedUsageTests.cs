using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Client;
using Credits.Contracts.Usage;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// Usage in tokens and images, priced by the rate card of config/catalog.json that the real hosts publish at start:
/// over HTTP and over the bus, with fractions carried and bad input refused before anything is written.
/// </summary>
public class PricedUsageTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(UsageRejected));
    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static object Tokens(string id, string customer, decimal quantity, string unit = "input-token", string feature = "gpt-4o") =>
        new { eventId = id, customerId = customer, quantity, unit, feature };

    [Fact]
    public async Task Tokens_posted_over_http_are_priced_and_the_fraction_is_carried()
    {
        var customer = "tokens-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");                       // 200 credits
        using var http = system.Client();
        var credits = new CreditsClient(http);

        // gpt-4o input tokens at 0.00025 credits: 10,000 tokens are 2.5 credits.
        var first = await credits.RecordUsageAsync(UsageEvent.InUnits("t1-" + customer, customer, 10_000, "input-token", "gpt-4o"));
        var second = await credits.RecordUsageAsync(UsageEvent.InUnits("t2-" + customer, customer, 10_000, "input-token", "gpt-4o"));

        Assert.Equal(UsageStatuses.Applied, first.Status);
        Assert.Equal([2L, 3L], new[] { first.Charged!.Value, second.Charged!.Value });
        Assert.Equal(195, await system.Accounts.AvailableAsync(customer));
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task The_published_rate_card_is_listed_and_the_entry_names_its_version_and_quantity()
    {
        var customer = "entries-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var http = system.Client();
        var credits = new CreditsClient(http);
        Assert.Equal(UsageStatuses.Applied,
            (await credits.RecordUsageAsync(UsageEvent.InUnits("e-" + customer, customer, 1_234.5m, "output-token", "gpt-4o"))).Status);

        var version = (await credits.GetRateCardsAsync()).Single();
        Assert.Equal(1, version.Version);
        Assert.Contains(version.Rates, r => r is { Feature: "gpt-4o", Unit: "output-token", CreditsPerUnit: 0.001m });

        var priced = (await credits.GetLedgerAsync(customer)).Entries.Single(e => e.Pricing is not null);
        Assert.Equal(1, priced.Pricing!.RateCardVersion);
        Assert.Equal(1_234.5m, priced.Pricing.Quantity);
        Assert.Equal(1, priced.Quantity);                                           // 1.2345 credits: 1 now
        Assert.Equal(0.2345m, (await credits.GetBalanceAsync(customer))!.UsageRemainder);
    }

    [Fact]
    public async Task Priced_usage_that_cannot_be_priced_exactly_is_a_400_naming_the_field_and_writes_nothing()
    {
        var customer = "bad-tokens-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        var response = await client.PostAsJsonAsync("/v1/usage", new
        {
            events = new object[]
            {
                Tokens("ok-" + customer, customer, 1_000),
                Tokens("fine-" + customer, customer, 1.0000001m),
                new { eventId = "both-" + customer, customerId = customer, credits = 3, quantity = 10, unit = "image", feature = "image-gen" },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("decimal places", errors.GetProperty("events[1].quantity")[0].GetString());
        Assert.Contains("not both", errors.GetProperty("events[2].credits")[0].GetString());
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task Images_published_on_the_bus_are_priced_and_an_unpriced_model_is_rejected_with_its_reason()
    {
        var customer = "bus-images-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");

        await _bus!.Publisher.Publish(new UsageRecorded
        {
            CustomerId = customer, EventId = "img-" + customer, Quantity = 3, Unit = "image", Feature = "image-gen",
            OccurredAt = DateTimeOffset.UtcNow,
        });
        await _bus.Publisher.Publish(new UsageRecorded
        {
            CustomerId = customer, EventId = "llama-" + customer, Quantity = 500, Unit = "input-token", Feature = "llama-70b",
        });

        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 188, because: "3 images at 4 credits");
        var rejected = await Eventually.Get(() => Task.FromResult(_bus.Received<UsageRejected>().SingleOrDefault(r => r.CustomerId == customer)),
            r => r is not null, because: "the model has no rate");
        Assert.Equal("unpriced", rejected!.ReasonCode);
        Assert.Equal(500m, rejected.Quantity);
        Assert.Equal(188, await system.Accounts.AvailableAsync(customer));
    }
}
