using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>What a customer's usage went on, over HTTP on the real Gateway: by feature or model, and the ledger as CSV.</summary>
public class UsageInsightTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    async Task<string> CustomerWithUsageAsync()
    {
        var customer = "insight-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");                        // 200 credits
        using var client = system.Client();
        var response = await client.PostAsJsonAsync("/v1/usage", new
        {
            events = new object[]
            {
                new { eventId = "in-1", customerId = customer, feature = "gpt-4o", quantity = 10_000, unit = "input-token" },   // 2.5
                new { eventId = "out-1", customerId = customer, feature = "gpt-4o", quantity = 1_500, unit = "output-token" },  // 0.5 + 1.5
                new { eventId = "img-1", customerId = customer, feature = "image-gen", quantity = 2, unit = "image" },          // 8
                new { eventId = "call-1", customerId = customer, feature = "=HYPERLINK(\"http://x\",\"a,b\")", credits = 5 },
                new { eventId = "call-2", customerId = customer, credits = 1 },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetInt32());
        return customer;
    }

    [Fact]
    public async Task Usage_is_broken_down_by_feature_with_credits_events_and_native_quantities()
    {
        var customer = await CustomerWithUsageAsync();
        using var client = system.Client();

        var usage = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/usage");

        var features = usage.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("feature").ValueKind == JsonValueKind.Null ? "(none)" : f.GetProperty("feature").GetString()!);
        Assert.Equal(4, features.Count);
        Assert.Equal(8, features["image-gen"].GetProperty("credits").GetInt64());
        Assert.Equal(4, features["gpt-4o"].GetProperty("credits").GetInt64());      // 2 and 2: the tokens cost 2.5 + 1.5
        Assert.Equal(2, features["gpt-4o"].GetProperty("events").GetInt64());
        var quantities = features["gpt-4o"].GetProperty("quantities").EnumerateArray()
            .ToDictionary(q => q.GetProperty("unit").GetString()!, q => q.GetProperty("quantity").GetDecimal());
        Assert.Equal(10_000m, quantities["input-token"]);
        Assert.Equal(1_500m, quantities["output-token"]);
        Assert.Equal(1, features["(none)"].GetProperty("credits").GetInt64());
        Assert.Equal(200 - 8 - 4 - 5 - 1, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task The_ledger_exports_as_csv_that_a_spreadsheet_cannot_run()
    {
        var customer = await CustomerWithUsageAsync();
        using var client = system.Client();

        var response = await client.GetAsync($"/v1/customers/{customer}/ledger/export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("ledger-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,recorded_at,occurred_at", lines[0]);
        var entries = await client.GetFromJsonAsync<JsonElement>($"/v1/customers/{customer}/ledger?limit=1000");
        Assert.Equal(entries.GetProperty("entries").GetArrayLength(), lines.Length - 1);
        Assert.Contains(lines, l => l.Contains(",gpt-4o,1,10000.000000,input-token,0.000250000000"));
        // The formula is neutralised with an apostrophe, and its comma and quotes are quoted (RFC 4180).
        Assert.Contains(lines, l => l.Contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\","));
    }

    [Theory]
    [InlineData("?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "from must be before to")]
    [InlineData("?from=2025-01-01T00:00:00Z&to=2026-06-01T00:00:00Z", "at most 366 days")]
    public async Task A_bad_period_is_a_400_with_its_reason(string query, string reason)
    {
        var customer = "insight-bad-" + Guid.NewGuid().ToString("N");
        await system.Accounts.OpenAsync(customer, "hobby");
        using var client = system.Client();

        foreach (var path in new[] { "usage", "ledger/export" })
        {
            var response = await client.GetAsync($"/v1/customers/{customer}/{path}{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/customers/nobody-here/usage")).StatusCode);
    }
}
