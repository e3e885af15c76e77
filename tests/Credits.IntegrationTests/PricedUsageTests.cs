using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        using var client = system.Client();

        // gpt-4o input tokens at 0.00025 credits: 10,000 tokens are 2.5 credits.
        var first = await client.PostAsJsonAsync("/v1/usage", new { events = new[] { Tokens("t1-" + customer, customer, 10_000) } });
        var second = await client.PostAsJsonAsync("/v1/usage", new { events = new[] { Tokens("t2-" + customer, customer, 10_000) } });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var charged = new[] { await ChargedAsync(first), await ChargedAsync(second) };
        Assert.Equal([2L, 3L], charged);
        Assert.Equal(195, await system.Accounts.AvailableAsync(customer));
        var books = await system.Accounts.BooksAsync(customer);
        Assert.Equal(books.SumOfEntries, books.Column);

        static async Task<long> ChargedAsync(HttpResponseMessage response) =>
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("charged").GetInt64();
    }

    [Fact]
    public async Task The_published_rate_card_is_listed_and_the_entry_names_its_version_and_quantity()
    {
        var customer = "entries-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/usage",
            new { events = new[] { Tokens("e-" + customer, customer, 1_234.5m, "output-token") } })).StatusCode);

        var cards = await client.GetFromJsonAsync<JsonElement>("/v1/rate-cards");
        var version = cards.EnumerateArray().Single();
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Contains(version.GetProperty("rates").EnumerateArray(), r =>
            r.GetProperty("feature").GetString() == "gpt-4o" && r.GetProperty("unit").GetString() == "output-token"
            && r.GetProperty("creditsPerUnit").GetDecimal() == 0.001m);

        var entries = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/ledger");
        var priced = entries.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("pricing").ValueKind == JsonValueKind.Object);
        Assert.Equal(1, priced.GetProperty("pricing").GetProperty("rateCardVersion").GetInt32());
        Assert.Equal(1_234.5m, priced.GetProperty("pricing").GetProperty("quantity").GetDecimal());
        Assert.Equal(1, priced.GetProperty("quantity").GetInt64());                 // 1.2345 credits: 1 now
        var balance = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/balance");
        Assert.Equal(0.2345m, balance.GetProperty("usageRemainder").GetDecimal());
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
