using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// Requests a caller's code gets wrong, as a new user sent them to the running Gateway (issue 12): each gets a 400
/// problem+json that names what is wrong, and nothing is written to the ledger, the operation requests or the outbox.
/// </summary>
public class MalformedRequestTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    public static TheoryData<string, string?, string?> Requests => new()
    {
        // method + path, body (null = none), the field the problem must name (null = any)
        { "POST /v1/usage", "this is not json", null },
        { "POST /v1/usage", "", null },
        { "POST /v1/usage", "[1,2,3]", null },
        { "POST /v1/usage", """{"events":[null]}""", "events[0]" },
        { "POST /v1/usage", """{"events":[{"eventId":"a\u0000b","customerId":"CUSTOMER","credits":1}]}""", "events[0].eventId" },
        { "POST /v1/usage", """{"events":[{"eventId":"frac","customerId":"CUSTOMER","credits":1.5}]}""", null },
        { "POST /v1/usage", """{"events":[{"eventId":"huge","customerId":"CUSTOMER","credits":1e30}]}""", null },
        { "POST /v1/usage", """{"events":[{"eventId":"max","customerId":"CUSTOMER","credits":9223372036854775807}]}""", "events[0].credits" },
        { "POST /v1/usage", """{"events":[{"eventId":"c\u0001","customerId":"CUSTOMER\u0000","credits":1}]}""", null },
        { "POST /v1/usage", """{"events":"soon"}""", null },
        { "POST /v1/customers", "not json", null },
        { "POST /v1/customers", "", null },
        { "POST /v1/customers", "[]", null },
        { "POST /v1/customers", """{"customerId":"nul-name","name":"a\u0000b"}""", "name" },
        { "POST /v1/customers", """{"customerId":"nul-mail","email":"a\u0000@b.c"}""", "email" },
        { "POST /v1/customers", """{"customerId":"long-name","name":"LONG"}""", "name" },
        { "POST /v1/customers/CUSTOMER/plan", "not json", null },
        { "POST /v1/customers/CUSTOMER/plan", "", null },
        { "POST /v1/customers/CUSTOMER/plan", """{"planId":7}""", null },
        { "GET /v1/customers/CUSTOMER/entitlement?credits=abc", null, "credits" },
        { "GET /v1/customers/CUSTOMER/entitlement?credits=9223372036854775807", null, "credits" },
        { "GET /v1/customers/CUSTOMER/ledger?limit=many", null, "limit" },
        { "GET /v1/operations?customerId=a%00b", null, "customerId" },
        { "POST /v1/customers/CUSTOMER/reservations", "not json", null },
        { "POST /v1/customers/CUSTOMER/reservations", """{"credits":9223372036854775807}""", "credits" },
        { "PUT /v1/customers/CUSTOMER/auto-top-up", "not json", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_malformed_request_gets_a_400_problem_and_changes_nothing(string request, string? body, string? field)
    {
        var customer = $"malformed-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(customer, "pro");
        var before = await WrittenAsync();
        var (method, path) = (request.Split(' ')[0], request.Split(' ')[1].Replace("CUSTOMER", customer));
        using var message = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            message.Content = new StringContent(body.Replace("CUSTOMER", customer).Replace("LONG", new string('x', 10_000)),
                Encoding.UTF8, "application/json");
        message.Headers.Add("Idempotency-Key", $"malformed-{Guid.NewGuid():N}");

        using var http = system.Client();
        var response = await http.SendAsync(message);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{request} answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        if (field is not null)
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"the problem names '{field}': {text}");
        Assert.DoesNotContain("Exception", text);
        Assert.Equal(before, await WrittenAsync());
    }

    [Fact]
    public async Task A_NUL_in_the_path_is_refused_by_the_server_before_the_app_runs()
    {
        // Kestrel refuses a decoded NUL in the path with a bare 400 before any middleware: nothing of Credits runs.
        var before = await WrittenAsync();
        using var http = system.Client();
        var response = await http.GetAsync("/v1/customers/a%00b/balance");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await WrittenAsync());
    }

    Task<string> WrittenAsync() => WrittenState.ReadAsync(system.Accounts);
}
