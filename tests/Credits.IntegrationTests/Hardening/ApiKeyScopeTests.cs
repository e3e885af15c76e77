using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credits.IntegrationTests.Customers;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Hardening;

/// <summary>The real system with one key per scope besides the harness's all-scopes key, and an app's key without operator.</summary>
public sealed class ScopedKeysSystem : SystemUnderTest
{
    public static readonly Dictionary<string, string> KeyByScope = new()
    {
        ["usage:write"] = "producer-key", ["read"] = "reader-key", ["admin"] = "admin-key", ["operator"] = "operator-key",
    };

    /// <summary>What an app's backend holds: everything but the operator console.</summary>
    public const string AppKey = "app-key";

    protected override void Configure(Dictionary<string, string> environment)
    {
        var index = 1;
        foreach (var (scope, key) in KeyByScope) environment.WithApiKey(index++, key, key, scope);
        environment.WithApiKey(index, AppKey, AppKey, "usage:write", "read", "admin");
    }
}

/// <summary>
/// API key scopes (issue 12, docs/security/scopes.md): each endpoint behind an API key needs one scope; a key without
/// it gets 403 problem+json naming the scope and nothing changes; the console's API takes operator keys only.
/// </summary>
public class ApiKeyScopeTests(ScopedKeysSystem system) : IClassFixture<ScopedKeysSystem>
{
    const string Customer = "CUSTOMER";

    // method, path, JSON body (null = none), the scope it needs
    public static TheoryData<string, string, string?, string> Endpoints => new()
    {
        { "POST", "/v1/usage", """{"events":[{"eventId":"EVENT","customerId":"CUSTOMER","credits":1}]}""", "usage:write" },
        { "POST", "/v1/customers/CUSTOMER/reservations", """{"credits":1}""", "usage:write" },
        { "GET", "/v1/customers/CUSTOMER/balance", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/entitlement?credits=1", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/ledger", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/balance/stream", null, "read" },
        { "GET", "/v1/customers/CUSTOMER", null, "read" },
        { "GET", "/v1/operations", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/auto-top-up", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/spend-cap", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/invoices", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/cancellation", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/promotions", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/usage", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/ledger/export", null, "read" },
        { "GET", "/v1/customers/CUSTOMER/members", null, "read" },
        { "GET", "/v1/rate-cards", null, "read" },
        { "POST", "/v1/customers", """{"customerId":"NEW"}""", "admin" },
        { "POST", "/v1/customers/CUSTOMER/plan", """{"planId":"hobby"}""", "admin" },
        { "POST", "/v1/customers/CUSTOMER/top-ups", """{"packId":"small"}""", "admin" },
        { "PUT", "/v1/customers/CUSTOMER/auto-top-up", """{"enabled":true,"threshold":10,"packId":"small"}""", "admin" },
        { "PUT", "/v1/customers/CUSTOMER/spend-cap", """{"credits":10}""", "admin" },
        { "DELETE", "/v1/customers/CUSTOMER/spend-cap", null, "admin" },
        { "PUT", "/v1/customers/CUSTOMER/members/ada", """{"limitPerPeriod":10}""", "admin" },
        { "DELETE", "/v1/customers/CUSTOMER/members/ada/limit", null, "admin" },
        { "POST", "/v1/customers/CUSTOMER/portal-sessions", null, "admin" },
        { "POST", "/v1/customers/CUSTOMER/card", null, "admin" },
        { "POST", "/v1/customers/CUSTOMER/cancellation", null, "admin" },
        { "DELETE", "/v1/customers/CUSTOMER/cancellation", null, "admin" },
        { "POST", "/v1/customers/CUSTOMER/promotions/redeem", """{"code":"NO-SUCH-CODE"}""", "admin" },
        { "GET", "/v1/webhook-endpoints", null, "read" },
        { "POST", "/v1/webhook-endpoints", """{"url":"https://example.test/hook","eventTypes":["credits.low"]}""", "admin" },
        { "POST", "/v1/webhook-deliveries/00000000-0000-0000-0000-000000000001/replay", null, "admin" },
        { "DELETE", "/v1/webhook-endpoints/00000000-0000-0000-0000-000000000001", null, "admin" },
        { "GET", "/console/api/customers", null, "operator" },
        { "GET", "/console/api/dead-letters", null, "operator" },
        { "GET", "/console/api/promotions", null, "operator" },
        { "GET", "/console/api/webhook-deliveries", null, "operator" },
        { "GET", "/v1/diagnostics/round-trips/00000000-0000-0000-0000-000000000001", null, "operator" },
    };

    async Task<HttpResponseMessage> SendAsync(string key, string method, string path, string? body, string customer)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace(Customer, customer));
        if (body is not null)
            request.Content = new StringContent(body.Replace(Customer, customer).Replace("EVENT", $"evt-{Guid.NewGuid():N}")
                .Replace("NEW", $"new-{Guid.NewGuid():N}"), Encoding.UTF8, "application/json");
        request.Headers.Add("Idempotency-Key", $"scope-{Guid.NewGuid():N}");
        using var http = system.Client(key);
        // The balance stream never ends: its headers are the answer.
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    static async Task AssertMissingScopeAsync(HttpResponseMessage response, string scope, string because)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{because}: answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Equal(scope, problem.GetProperty("requiredScope").GetString());
        Assert.Contains($"'{scope}'", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_endpoint_takes_the_keys_with_its_scope_and_refuses_the_others_with_403_naming_it(
        string method, string path, string? body, string scope)
    {
        foreach (var (keyScope, key) in ScopedKeysSystem.KeyByScope)
        {
            var customer = $"scoped-{Guid.NewGuid():N}";
            await system.Accounts.OpenAsync(customer, "pro");
            var before = await system.Accounts.AvailableAsync(customer);
            using var response = await SendAsync(key, method, path, body, customer);

            if (keyScope == scope)
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    $"{method} {path} with a '{keyScope}' key answered {(int)response.StatusCode}");
            else
            {
                await AssertMissingScopeAsync(response, scope, $"{method} {path} with a '{keyScope}' key");
                Assert.Equal(before, await system.Accounts.AvailableAsync(customer));
                Assert.Empty(await new CustomerRows(system.Accounts).RequestsAsync(customer));
            }
        }
    }

    [Theory]
    [InlineData("/console/api/customers")]
    [InlineData("/console/api/sagas")]
    [InlineData("/console/api/audit/differences")]
    [InlineData("/console/api/dead-letters")]
    public async Task The_console_api_refuses_the_apps_key_and_takes_an_operator_key(string path)
    {
        using var app = system.Client(ScopedKeysSystem.AppKey);
        await AssertMissingScopeAsync(await app.GetAsync(path), "operator", $"{path} with the app's key");

        using var operatorKey = system.Client(ScopedKeysSystem.KeyByScope["operator"]);
        var response = await operatorKey.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_operator_key_cannot_change_a_plan_and_nothing_is_accepted()
    {
        var customer = $"operator-plan-{Guid.NewGuid():N}";
        var rows = new CustomerRows(system.Accounts);
        await rows.WriteActiveAsync(customer, "pro", "cus_" + Guid.NewGuid().ToString("N"));
        using var operatorKey = system.Client(ScopedKeysSystem.KeyByScope["operator"]);

        var response = await operatorKey.PostAsJsonAsync($"/v1/customers/{customer}/plan", new { planId = "hobby" });

        await AssertMissingScopeAsync(response, "admin", "a plan change with an operator key");
        Assert.Empty(await rows.RequestsAsync(customer));
    }

    [Fact]
    public async Task A_wrong_or_missing_key_is_still_401_not_a_scope_problem()
    {
        using var none = system.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("/console/api/customers")).StatusCode);
        using var wrong = system.Client("not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/operations")).StatusCode);
    }

    [Fact]
    public async Task Every_operation_behind_an_api_key_names_its_scope_in_the_openapi_document()
    {
        using var http = system.Client(apiKey: null);
        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Name.StartsWith("/v1/") && !path.Name.StartsWith("/console/api/")) continue;
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations++;
                var description = operation.Value.TryGetProperty("description", out var d) ? d.GetString() : null;
                Assert.True(description?.Contains("API key scope: `") == true, $"{operation.Name} {path.Name} names no scope: '{description}'");
            }
        }
        Assert.True(operations >= 20, $"only {operations} operations found");
        var plan = document.GetProperty("paths").GetProperty("/v1/customers/{customerId}/plan").GetProperty("post");
        Assert.Contains("API key scope: `admin`", plan.GetProperty("description").GetString());
    }
}
