using System.Net;
using System.Net.Http.Json;
using Credits.IntegrationTests.Hardening;
using Credits.Persistence.Operators;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Operators;

/// <summary>
/// The issue asks for operator actions "in the admin scope"; in Credits `admin` is the app's scope (its backend registers
/// customers and sells credits) and `operator` the console's. Moving credits by hand is an operator's act: the app's
/// key, admin included, is refused with 403 naming the operator scope, and nothing is granted or logged.
/// </summary>
public class OperatorScopeTests(ScopedKeysSystem system) : IClassFixture<ScopedKeysSystem>
{
    [Theory]
    [InlineData("grants")]
    [InlineData("revocations")]
    public async Task The_apps_key_cannot_move_credits_by_hand_and_an_operator_key_can(string action)
    {
        var customer = "scope-ops-" + Guid.NewGuid().ToString("N")[..12];
        await system.Accounts.OpenAsync(customer, "hobby");
        var body = new { credits = 20, category = "correction", reason = "scope check", @operator = "zoe" };

        foreach (var key in new[] { ScopedKeysSystem.AppKey, ScopedKeysSystem.KeyByScope["admin"] })
        {
            using var app = system.Client(key);
            using var refused = new HttpRequestMessage(HttpMethod.Post, $"/console/api/customers/{customer}/{action}") { Content = JsonContent.Create(body) };
            refused.Headers.Add("Idempotency-Key", "scope-1");
            var response = await app.SendAsync(refused);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("'operator'", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        await using (var db = system.Accounts.NewDbContext())
            Assert.False(await db.Set<OperatorAction>().AnyAsync(a => a.CustomerId == customer));

        using var operatorKey = system.Client(ScopedKeysSystem.KeyByScope["operator"]);
        using var accepted = new HttpRequestMessage(HttpMethod.Post, $"/console/api/customers/{customer}/{action}") { Content = JsonContent.Create(body) };
        accepted.Headers.Add("Idempotency-Key", "scope-1");
        Assert.Equal(HttpStatusCode.Created, (await operatorKey.SendAsync(accepted)).StatusCode);
        Assert.Equal(action == "grants" ? 220 : 180, await system.Accounts.AvailableAsync(customer));
        await using var after = system.Accounts.NewDbContext();
        Assert.Equal("zoe via operator-key", (await after.Set<OperatorAction>().SingleAsync(a => a.CustomerId == customer)).Actor);
    }
}
