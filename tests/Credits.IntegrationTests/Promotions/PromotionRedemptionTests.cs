using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.Promotions;
using Credits.Ledger.Model;
using Credits.Persistence.Operators;
using Credits.Persistence.Promotions;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Promotions;

/// <summary>
/// Promotion codes over HTTP on the real system (issue 17, item 4; docs/promotions.md): operators create codes on the
/// console, the app redeems them for a customer. A code grants once per customer however often and however
/// concurrently it is redeemed, its overall limit holds when customers race for it, and every refusal is a problem
/// with a reason and grants nothing. The books balance after each.
/// </summary>
public class PromotionRedemptionTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(PromotionRedeemed));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static string NewCustomer() => "promo-" + Guid.NewGuid().ToString("N")[..16];

    static string NewCode() => "T-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    async Task<HttpResponseMessage> PostAsync(string path, object body)
    {
        using var http = system.Client();
        return await http.PostAsJsonAsync(path, body);
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    async Task<string> CreateCodeAsync(long credits, int? maxRedemptions = null, int? grantExpiresAfterDays = null, DateTimeOffset? grantExpiresAt = null,
        DateTimeOffset? validFrom = null, DateTimeOffset? validUntil = null, string? planId = null)
    {
        var code = NewCode();
        await JsonAsync(await PostAsync("/console/api/promotions", new
        {
            code, credits, maxRedemptions, grantExpiresAfterDays, grantExpiresAt, validFrom, validUntil, planId,
            description = "a test campaign", @operator = "dana", reason = "issue 17 tests",
        }), HttpStatusCode.Created);
        return code;
    }

    Task<HttpResponseMessage> RedeemAsync(string customer, string? code) =>
        PostAsync($"/v1/customers/{customer}/promotions/redeem", new { code });

    async Task<List<LedgerEntry>> PromotionGrantsAsync(string customer)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.CustomerId == customer && e.Kind == EntryKind.Grant && e.IdempotencyKey.StartsWith("promotion:")).ToListAsync();
    }

    async Task<PromotionCode> CodeAsync(string code)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<PromotionCode>().AsNoTracking().SingleAsync(c => c.Code == code);
    }

    async Task AssertBooksBalanceAsync(string customer)
    {
        var (column, sum) = await system.Accounts.BooksAsync(customer);
        Assert.Equal(column, sum);
    }

    static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var problem = await JsonAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_code_grants_its_credits_once_per_customer_however_often_and_however_concurrently_it_is_redeemed()
    {
        var code = await CreateCodeAsync(300, grantExpiresAfterDays: 30);
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby"); // 200 credits

        // Any spelling of the code is the code.
        var first = await JsonAsync(await RedeemAsync(customer, " " + code.ToLowerInvariant() + " "), HttpStatusCode.Created);
        var again = await JsonAsync(await RedeemAsync(customer, code), HttpStatusCode.OK);

        Assert.Equal((code, 300L, 500L, false), (first.GetProperty("code").GetString(), first.GetProperty("credits").GetInt64(),
            first.GetProperty("available").GetInt64(), first.GetProperty("repeated").GetBoolean()));
        Assert.True(again.GetProperty("repeated").GetBoolean());
        Assert.Equal(first.GetProperty("grantId").GetGuid(), again.GetProperty("grantId").GetGuid());
        Assert.Equal(500, again.GetProperty("available").GetInt64());
        var expiresAt = first.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(30).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));

        // Another customer whose first redemption is eight requests at once: one grant, the rest answered with it.
        var racer = NewCustomer();
        await system.Accounts.OpenAsync(racer, "hobby");
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RedeemAsync(racer, code)));
        Assert.Single(racing, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, racing.Count(r => r.StatusCode == HttpStatusCode.OK));

        foreach (var who in new[] { customer, racer })
        {
            var grant = Assert.Single(await PromotionGrantsAsync(who));
            Assert.Equal(300, grant.Quantity);
            Assert.Equal(500, await system.Accounts.AvailableAsync(who));
            await AssertBooksBalanceAsync(who);
        }
        Assert.Equal(2, (await CodeAsync(code)).Redemptions);
        await using (var db = system.Accounts.NewDbContext())
        {
            var grant = await db.Set<CreditGrant>().AsNoTracking().SingleAsync(g => g.Id == first.GetProperty("grantId").GetGuid());
            Assert.Equal((GrantSource.Promotion, 300L), (grant.Source, grant.Amount));
            Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), grant.ExpiresAt!.Value.ToUnixTimeMilliseconds());
            Assert.Equal(2, await db.Set<PromotionRedemption>().CountAsync(r => r.Code == code));
        }
        // PromotionRedeemed once per customer, never for a repeat.
        await Eventually.True(() => Task.FromResult(_bus!.Received<PromotionRedeemed>().Count(e => e.Code == code) == 2), because: "both redemptions are published");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var published = _bus!.Received<PromotionRedeemed>().Where(e => e.Code == code).ToList();
        Assert.Equal(2, published.Count);
        Assert.Contains(published, e => e.CustomerId == customer && e.Credits == 300 && e.Channel == "api" && e.GrantId == first.GetProperty("grantId").GetGuid());
    }

    [Fact]
    public async Task Ten_customers_racing_for_a_code_limited_to_three_get_exactly_three_grants()
    {
        var code = await CreateCodeAsync(100, maxRedemptions: 3);
        var customers = Enumerable.Range(0, 10).Select(_ => NewCustomer()).ToList();
        foreach (var customer in customers) await system.Accounts.OpenAsync(customer, "hobby");

        var answers = await Task.WhenAll(customers.Select(c => RedeemAsync(c, code)));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
            await AssertRefusedAsync(refused, HttpStatusCode.Conflict, "exhausted");
        var grants = new List<LedgerEntry>();
        foreach (var customer in customers)
        {
            grants.AddRange(await PromotionGrantsAsync(customer));
            await AssertBooksBalanceAsync(customer);
        }
        Assert.Equal(3, grants.Count);
        Assert.Equal(3, (await CodeAsync(code)).Redemptions);
        Assert.Equal(10 * 200 + 3 * 100, (await Task.WhenAll(customers.Select(system.Accounts.AvailableAsync))).Sum());
    }

    [Fact]
    public async Task Unknown_expired_not_yet_valid_used_up_and_other_plan_codes_are_refused_with_a_reason_and_grant_nothing()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby");
        var ending = await CreateCodeAsync(50, validUntil: DateTimeOffset.UtcNow.AddSeconds(2));
        var later = await CreateCodeAsync(50, validFrom: DateTimeOffset.UtcNow.AddDays(1));
        var proOnly = await CreateCodeAsync(50, planId: "pro");
        var lapsing = await CreateCodeAsync(50, grantExpiresAt: DateTimeOffset.UtcNow.AddSeconds(2));
        var once = await CreateCodeAsync(50, maxRedemptions: 1);
        var other = NewCustomer();
        await system.Accounts.OpenAsync(other, "hobby");
        await JsonAsync(await RedeemAsync(other, once), HttpStatusCode.Created);
        await Task.Delay(TimeSpan.FromSeconds(3));

        await AssertRefusedAsync(await RedeemAsync(customer, "NO-SUCH-CODE"), HttpStatusCode.NotFound, "unknown-code");
        await AssertRefusedAsync(await RedeemAsync(customer, ending), HttpStatusCode.UnprocessableEntity, "expired");
        // Its credits would lapse at once: over too.
        await AssertRefusedAsync(await RedeemAsync(customer, lapsing), HttpStatusCode.UnprocessableEntity, "expired");
        await AssertRefusedAsync(await RedeemAsync(customer, later), HttpStatusCode.UnprocessableEntity, "not-yet-valid");
        await AssertRefusedAsync(await RedeemAsync(customer, proOnly), HttpStatusCode.UnprocessableEntity, "other-plan");
        await AssertRefusedAsync(await RedeemAsync(customer, once), HttpStatusCode.Conflict, "exhausted");
        foreach (var bad in new[] { null, "", "ab", new string('A', 33), "SPRING 25", "SPRING\u000025", "ÉTÉ-2026", "x';--" })
            await AssertRefusedAsync(await RedeemAsync(customer, bad), HttpStatusCode.BadRequest, "invalid-code");
        // A customer without an account is not found; nothing is counted against the code.
        var unknown = await JsonAsync(await RedeemAsync(NewCustomer(), proOnly), HttpStatusCode.NotFound);
        Assert.Equal("Unknown customer", unknown.GetProperty("title").GetString());

        Assert.Empty(await PromotionGrantsAsync(customer));
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        await AssertBooksBalanceAsync(customer);
        Assert.Equal(0, (await CodeAsync(ending)).Redemptions);
        Assert.Equal(1, (await CodeAsync(once)).Redemptions);
    }

    [Fact]
    public async Task A_redemption_by_another_customer_of_the_same_code_is_that_customers_own()
    {
        var code = await CreateCodeAsync(70);
        var (a, b) = (NewCustomer(), NewCustomer());
        await system.Accounts.OpenAsync(a, "hobby");
        await system.Accounts.OpenAsync(b, "hobby");

        var first = await JsonAsync(await RedeemAsync(a, code), HttpStatusCode.Created);
        var second = await JsonAsync(await RedeemAsync(b, code), HttpStatusCode.Created);

        Assert.NotEqual(first.GetProperty("grantId").GetGuid(), second.GetProperty("grantId").GetGuid());
        Assert.Equal(270, await system.Accounts.AvailableAsync(a));
        Assert.Equal(270, await system.Accounts.AvailableAsync(b));
        using var http = system.Client();
        var listed = Assert.Single((await http.GetFromJsonAsync<JsonElement>($"/v1/customers/{a}/promotions")).EnumerateArray());
        Assert.Equal((code, 70L, "api"), (listed.GetProperty("code").GetString(), listed.GetProperty("credits").GetInt64(), listed.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task Creating_a_code_checks_every_field_refuses_a_code_that_exists_and_logs_the_operator()
    {
        var valid = new Dictionary<string, object?>
        {
            ["code"] = NewCode(), ["credits"] = 10, ["operator"] = "dana", ["reason"] = "launch",
        };
        var now = DateTimeOffset.UtcNow;
        foreach (var (field, value) in new (string, object?)[]
                 {
                     ("code", null), ("code", "ab"), ("code", "has space"), ("code", new string('C', 33)),
                     ("credits", 0), ("credits", -5), ("credits", 1_000_000_001),
                     ("grantExpiresAfterDays", 0), ("grantExpiresAfterDays", 3651), ("grantExpiresAt", now.AddMinutes(-1)),
                     ("validUntil", now.AddMinutes(-1)), ("maxRedemptions", 0), ("planId", "platinum"),
                     ("description", "two\nlines"), ("description", new string('d', 501)),
                     ("operator", null), ("operator", " "), ("reason", null), ("reason", "a\u0000b"),
                 })
        {
            var body = new Dictionary<string, object?>(valid) { [field] = value };
            var response = await PostAsync("/console/api/promotions", body);
            var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} = {value}: {problem}");
        }
        var window = new Dictionary<string, object?>(valid) { ["validFrom"] = now.AddDays(2), ["validUntil"] = now.AddDays(1) };
        Assert.True((await JsonAsync(await PostAsync("/console/api/promotions", window), HttpStatusCode.BadRequest))
            .GetProperty("errors").TryGetProperty("validFrom", out _));

        var code = (string)valid["code"]!;
        var created = await JsonAsync(await PostAsync("/console/api/promotions", valid), HttpStatusCode.Created);
        Assert.Equal(("dana via integration-tests", 0), (created.GetProperty("createdBy").GetString(), created.GetProperty("redemptions").GetInt32()));
        var again = await PostAsync("/console/api/promotions", new Dictionary<string, object?>(valid) { ["code"] = code.ToLowerInvariant() });
        await JsonAsync(again, HttpStatusCode.Conflict);

        using var http = system.Client();
        var listed = await http.GetFromJsonAsync<JsonElement>("/console/api/promotions");
        Assert.Contains(listed.EnumerateArray(), c => c.GetProperty("code").GetString() == code);
        await using var db = system.Accounts.NewDbContext();
        var logged = await db.Set<OperatorAction>().AsNoTracking().Where(a => a.Subject == code).ToListAsync();
        var entry = Assert.Single(logged);
        Assert.Equal((OperatorActionKinds.CreatePromotion, "dana via integration-tests", "launch"), (entry.Action, entry.Actor, entry.Reason));
    }
}
