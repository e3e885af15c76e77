using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// POST /webhooks/stripe is open to the internet: anyone can send it anything. It reads at most a bounded body before it
/// verifies the signature, tells a refused sender nothing about why, and does not write a warning for each refusal.
/// </summary>
[Collection(AbuseCollection.Name)]
public class WebhookEndpointTests(AbuseSystem system)
{
    /// <summary>The Gateway's bound on a webhook body (Stripe:WebhookMaxBodyBytes, default 1 MiB).</summary>
    const int Bound = 1024 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_bound_gets_413_and_is_never_parsed_or_recorded(bool chunked)
    {
        // Correctly signed: only its size can be the reason it is refused.
        var id = NewEventId();
        var json = ProductEvent(id, padding: Bound + 1024);

        var response = await PostAsync(json, Signature(json), chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(await RecordedAsync(id));
    }

    [Fact]
    public async Task A_signed_event_just_under_the_bound_is_received()
    {
        var id = NewEventId();
        var json = ProductEvent(id, padding: Bound - 4096);
        Assert.True(Encoding.UTF8.GetByteCount(json) <= Bound);

        var response = await PostAsync(json, Signature(json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await RecordedAsync(id));
    }

    [Fact]
    public async Task Every_refused_webhook_gets_the_same_generic_400_whatever_the_reason()
    {
        var json = ProductEvent(NewEventId(), padding: 0);
        var old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var attempts = new (string Why, string Body, string? Signature)[]
        {
            ("no signature", json, null),
            ("wrong secret", json, EventUtility.GenerateSignatureHeader(json, "whsec_someone_else", DateTimeOffset.UtcNow.ToUnixTimeSeconds())),
            ("too old", json, EventUtility.GenerateSignatureHeader(json, SystemUnderTest.WebhookSecret, old)),
            ("edited after signing", json.Replace("\"livemode\":false", "\"livemode\":true"), Signature(json)),
            ("not json", "hello", Signature("hello")),
        };

        var answers = new List<string>();
        foreach (var (why, body, signature) in attempts)
        {
            var response = await PostAsync(body, signature);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            problem.Remove("traceId");
            answers.Add(problem.ToJsonString());
        }

        // One answer for all: the reason (which part failed, the tolerance, the expected scheme) stays in our logs.
        Assert.Single(answers.Distinct());
        foreach (var hint in new[] { "ignature", "imestamp", "olerance", "secret", "JSON" })
            Assert.DoesNotContain(hint, answers[0]);
    }

    [Fact]
    public async Task A_flood_of_bad_webhooks_writes_at_most_one_warning()
    {
        var before = system.Gateway.Output.Length;
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("{}", "t=1,v1=00")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the log is written asynchronously

        var warnings = system.Gateway.Output[before..].Split('\n')
            .Where(line => line.Contains("\"LogLevel\":\"Warning\"") && line.Contains("webhook", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(warnings.Count <= 1, $"{warnings.Count} warnings:\n{string.Join('\n', warnings)}");
    }

    static string NewEventId() => "evt_abuse_" + Guid.NewGuid().ToString("N")[..20];

    static string Signature(string json) =>
        EventUtility.GenerateSignatureHeader(json, SystemUnderTest.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>An event Credits acknowledges and records (a type it does not handle), made as large as asked.</summary>
    static string ProductEvent(string eventId, int padding) => new JsonObject
    {
        ["id"] = eventId,
        ["object"] = "event",
        ["api_version"] = StripeConfiguration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = "product.created",
        ["data"] = new JsonObject
        {
            ["object"] = new JsonObject
            {
                ["id"] = "prod_abuse", ["object"] = "product", ["name"] = "padding", ["active"] = true,
                ["description"] = new string('x', padding),
            },
        },
    }.ToJsonString();

    async Task<HttpResponseMessage> PostAsync(string body, string? signature, bool chunked = false)
    {
        HttpContent content = chunked
            ? new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(body)))
            : new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = content };
        if (chunked) request.Headers.TransferEncodingChunked = true;
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        using var http = system.Client(apiKey: null);
        return await http.SendAsync(request);
    }

    async Task<bool> RecordedAsync(string eventId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM stripe_webhook_events WHERE event_id = {eventId}")
            .SingleAsync() > 0;
    }

    /// <summary>A body sent without Content-Length (chunked), as a sender that hides its size would.</summary>
    sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
