using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Credits.IntegrationTests;

public class ApiKeyTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task A_request_without_a_valid_key_gets_401_problem_details(string? key)
    {
        using var client = system.Client(key);
        var response = await client.PostAsJsonAsync("/v1/diagnostics/round-trips", new { text = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(key ?? "\u0000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_rejected_key_never_reaches_the_logs()
    {
        using var client = system.Client("secret-that-must-not-be-logged");
        await client.GetAsync("/v1/diagnostics/round-trips/" + Guid.NewGuid());
        await Task.Delay(200);
        Assert.DoesNotContain("secret-that-must-not-be-logged", system.Gateway.Output);
    }

    [Fact]
    public async Task Health_and_the_api_reference_need_no_key()
    {
        using var client = system.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var openApi = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/v1/diagnostics/round-trips", await openApi.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs")).StatusCode);
    }
}
