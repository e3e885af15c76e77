using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Ledger;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

public class ReservationTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;

    public async Task InitializeAsync() =>
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(CreditBalanceLow), typeof(CreditsExhausted));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    async Task<HttpResponseMessage> ReserveAsync(HttpClient client, string customer, long credits, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{customer}/reservations")
        {
            Content = JsonContent.Create(new { credits, timeToLiveSeconds = 60 }),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Reserve_then_settle_debits_the_actual_amount_and_lifts_the_hold()
    {
        var customer = "res-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        var reserved = await ReserveAsync(client, customer, 150, "job-1");
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        var id = (await reserved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reservationId").GetGuid();
        Assert.Equal(50, await system.Accounts.AvailableAsync(customer));

        // Not enough left: refused, nothing held.
        var refused = await ReserveAsync(client, customer, 100, "job-2");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(50, await system.Accounts.AvailableAsync(customer));

        // The same request again (a client retry) holds nothing more.
        var retried = await ReserveAsync(client, customer, 150, "job-1");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(50, await system.Accounts.AvailableAsync(customer));

        var settled = await client.PostAsJsonAsync($"/v1/customers/{customer}/reservations/{id}/settle", new { actualCredits = 120 });
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        Assert.Equal(80, await system.Accounts.AvailableAsync(customer));

        var settledAgain = await client.PostAsJsonAsync($"/v1/customers/{customer}/reservations/{id}/settle", new { actualCredits = 120 });
        Assert.Equal(HttpStatusCode.OK, settledAgain.StatusCode);
        var otherAmount = await client.PostAsJsonAsync($"/v1/customers/{customer}/reservations/{id}/settle", new { actualCredits = 10 });
        Assert.Equal(HttpStatusCode.Conflict, otherAmount.StatusCode);
        Assert.Equal(80, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task A_released_reservation_gives_the_credits_back()
    {
        var customer = "rel-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        var reserved = await ReserveAsync(client, customer, 60, "job");
        var id = (await reserved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reservationId").GetGuid();
        Assert.Equal(140, await system.Accounts.AvailableAsync(customer));

        var released = await client.PostAsync($"/v1/customers/{customer}/reservations/{id}/release", null);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task A_reservation_without_an_idempotency_key_is_refused()
    {
        var customer = "nokey-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        var response = await ReserveAsync(client, customer, 10, key: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task The_entitlement_check_answers_from_the_same_numbers()
    {
        var customer = "ent-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        var yes = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/entitlement?credits=200");
        var no = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/entitlement?credits=201");

        Assert.True(yes.GetProperty("allowed").GetBoolean());
        Assert.False(no.GetProperty("allowed").GetBoolean());
    }

    /// <summary>
    /// A reservation's commit rides in the ledger's own batch only when nothing else is to be written (issue 16): one
    /// that crosses a low-balance threshold still publishes it, with the hold, through the outbox.
    /// </summary>
    [Fact]
    public async Task A_reservation_that_crosses_a_threshold_publishes_it_once()
    {
        var customer = "low-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby"); // 200 credits, thresholds 50 and 20
        using var client = system.Client();

        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(client, customer, 100, "quiet")).StatusCode);  // 100 left: crosses nothing
        Assert.Equal(HttpStatusCode.Created, (await ReserveAsync(client, customer, 60, "crossing")).StatusCode); // 40 left: crosses 50
        Assert.Equal(40, await system.Accounts.AvailableAsync(customer));

        await Eventually.True(() => Task.FromResult(_bus!.Received<CreditBalanceLow>().Any(e => e.CustomerId == customer)),
            because: "the crossing reservation publishes CreditBalanceLow");
        await Task.Delay(1000); // a second one would be a duplicate
        var low = Assert.Single(_bus!.Received<CreditBalanceLow>(), e => e.CustomerId == customer);
        Assert.Equal(50, low.Threshold);
        Assert.Equal(40, low.Available);
    }
}
