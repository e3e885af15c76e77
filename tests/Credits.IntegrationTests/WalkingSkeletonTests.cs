using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>The whole path on the real parts: HTTP -> Gateway -> RabbitMQ -> Orchestrator -> PostgreSQL -> Gateway.</summary>
public class WalkingSkeletonTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    record Accepted(Guid Id, string TraceId);
    record RoundTrip(Guid Id, string Text, DateTimeOffset RequestedAt, DateTimeOffset CompletedAt, string? TraceId);

    [Fact]
    public async Task A_round_trip_published_by_the_gateway_is_stored_by_the_orchestrator_and_read_back()
    {
        using var client = system.Client();
        var post = await client.PostAsJsonAsync("/v1/diagnostics/round-trips", new { text = "hello, ledger" });
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        var accepted = (await post.Content.ReadFromJsonAsync<Accepted>())!;

        var trip = await Eventually.Get(
            async () => await client.GetAsync($"/v1/diagnostics/round-trips/{accepted.Id}"),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the orchestrator should store the round trip");
        var body = (await trip.Content.ReadFromJsonAsync<RoundTrip>())!;

        Assert.Equal("hello, ledger", body.Text);
        Assert.True(body.CompletedAt >= body.RequestedAt);
        // One trace from the HTTP request over RabbitMQ into the Orchestrator's consumer.
        Assert.False(string.IsNullOrEmpty(accepted.TraceId));
        Assert.Equal(accepted.TraceId, body.TraceId);
    }

    [Fact]
    public async Task An_unknown_round_trip_is_not_found()
    {
        using var client = system.Client();
        var response = await client.GetAsync($"/v1/diagnostics/round-trips/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_invalid_round_trip_gets_problem_details_and_publishes_nothing()
    {
        using var client = system.Client();
        var response = await client.PostAsJsonAsync("/v1/diagnostics/round-trips", new { text = "" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
