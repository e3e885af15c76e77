using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Billing.Audit;
using Credits.Ledger.Model;
using Credits.Persistence.Operators;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Credits.IntegrationTests.Operators;

/// <summary>
/// Operator actions over HTTP on the real system (issue 13, docs/audit/operators.md): grants and revocations by hand,
/// resolving audit differences, running the audit, and what the console reads. Each action leaves exactly one row of
/// the append-only operator log, with who and why, and the books still balance.
/// </summary>
public class OperatorActionTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>
{
    /// <summary>The harness's API key is named "integration-tests": the actor is the operator's name via the key's.</summary>
    const string KeyName = "integration-tests";

    static string NewCustomer() => "ops-" + Guid.NewGuid().ToString("N")[..16];

    async Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey = null)
    {
        using var http = system.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    async Task<List<OperatorAction>> LogAsync(string customer)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<OperatorAction>().AsNoTracking().Where(a => a.CustomerId == customer).OrderBy(a => a.Id).ToListAsync();
    }

    async Task<List<LedgerEntry>> EntriesAsync(string customer, EntryKind kind)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.CustomerId == customer && e.Kind == kind).ToListAsync();
    }

    async Task AssertBooksBalanceAsync(string customer)
    {
        var (column, sum) = await system.Accounts.BooksAsync(customer);
        Assert.Equal(column, sum);
    }

    [Fact]
    public async Task A_grant_sent_again_under_its_idempotency_key_is_granted_once_and_logged_once()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby"); // 200 credits
        var grant = new { credits = 500, category = "goodwill", reason = "outage on 2026-11-29", @operator = "alice" };

        var first = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/grants", grant, "goodwill-1"), HttpStatusCode.Created);
        // The retry a flaky network makes, then several at once: the ledger's key is the customer's, taken once.
        var again = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/grants", grant, "goodwill-1"), HttpStatusCode.OK);
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync($"/console/api/customers/{customer}/grants", grant, "goodwill-1")));

        Assert.Equal(500, first.GetProperty("credits").GetInt64());
        Assert.Equal(700, first.GetProperty("available").GetInt64());
        Assert.False(first.GetProperty("repeated").GetBoolean());
        Assert.True(again.GetProperty("repeated").GetBoolean());
        Assert.Equal(first.GetProperty("operatorActionId").GetInt64(), again.GetProperty("operatorActionId").GetInt64());
        Assert.All(racing, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var granted = Assert.Single(await EntriesAsync(customer, EntryKind.Grant), e => e.Quantity == 500);
        Assert.Equal(first.GetProperty("entryIds")[0].GetInt64(), granted.Id);
        Assert.Contains("alice via " + KeyName, granted.Note);
        Assert.Equal(700, await system.Accounts.AvailableAsync(customer));
        await AssertBooksBalanceAsync(customer);
        var logged = Assert.Single(await LogAsync(customer));
        Assert.Equal((OperatorActionKinds.GrantCredits, "alice via " + KeyName, "outage on 2026-11-29"), (logged.Action, logged.Actor, logged.Reason));

        // The same key with another request is refused, and nothing moves.
        foreach (var other in new object[]
                 {
                     new { credits = 500, category = "goodwill", reason = "another reason", @operator = "alice" },
                     new { credits = 500, category = "correction", reason = "outage on 2026-11-29", @operator = "alice" },
                     new { credits = 501, category = "goodwill", reason = "outage on 2026-11-29", @operator = "alice" },
                     new { credits = 500, category = "promo", reason = "outage on 2026-11-29", @operator = "alice" },
                 })
        {
            var refused = await PostAsync($"/console/api/customers/{customer}/grants", other, "goodwill-1");
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(700, await system.Accounts.AvailableAsync(customer));
        Assert.Single(await LogAsync(customer));
    }

    [Fact]
    public async Task A_promo_grant_is_a_promotion_and_may_lapse()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby");
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);

        var made = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/grants",
            new { credits = 50, category = "promo", reason = "launch week", @operator = "carol", expiresAt }, "promo-1"), HttpStatusCode.Created);

        await using var db = system.Accounts.NewDbContext();
        var grant = await db.Set<CreditGrant>().AsNoTracking().SingleAsync(g => g.Id == made.GetProperty("grantId").GetGuid());
        Assert.Equal((GrantSource.Promotion, 50L), (grant.Source, grant.Amount));
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), grant.ExpiresAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_revocation_takes_at_most_what_is_unspent_and_never_goes_below_zero()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby"); // 200 credits

        var some = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/revocations",
            new { credits = 50, category = "correction", reason = "double grant on 11-28", @operator = "bob" }, "revoke-1"), HttpStatusCode.Created);
        var tooMany = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/revocations",
            new { credits = 1_000, category = "correction", reason = "abuse", @operator = "bob" }, "revoke-2"), HttpStatusCode.Created);
        var nothingLeft = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/revocations",
            new { credits = 10, category = "correction", reason = "abuse", @operator = "bob" }, "revoke-3"), HttpStatusCode.Created);
        var repeated = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/revocations",
            new { credits = 50, category = "correction", reason = "double grant on 11-28", @operator = "bob" }, "revoke-1"), HttpStatusCode.OK);

        Assert.Equal((50L, 150L), (some.GetProperty("credits").GetInt64(), some.GetProperty("available").GetInt64()));
        Assert.Equal((1_000L, 150L, 0L), (tooMany.GetProperty("requested").GetInt64(), tooMany.GetProperty("credits").GetInt64(),
            tooMany.GetProperty("available").GetInt64()));
        Assert.Equal(0, nothingLeft.GetProperty("credits").GetInt64());
        Assert.True(repeated.GetProperty("repeated").GetBoolean());
        Assert.Equal(50, repeated.GetProperty("credits").GetInt64());

        Assert.Equal(0, await system.Accounts.AvailableAsync(customer));
        var (balance, _) = await system.Accounts.BooksAsync(customer);
        Assert.Equal(0, balance);
        await AssertBooksBalanceAsync(customer);
        Assert.Equal(200, (await EntriesAsync(customer, EntryKind.Reversal)).Sum(e => e.Quantity));
        var log = await LogAsync(customer);
        Assert.Equal(3, log.Count);
        Assert.All(log, a => Assert.Equal((OperatorActionKinds.RevokeCredits, "bob via " + KeyName), (a.Action, a.Actor)));
        Assert.Equal(["double grant on 11-28", "abuse", "abuse"], log.Select(a => a.Reason).ToList());
    }

    public static TheoryData<string, string, string?, HttpStatusCode> BadRequests => new()
    {
        { "grants", """{"credits":5,"category":"goodwill","reason":"r"}""", "k", HttpStatusCode.BadRequest },                        // no operator
        { "grants", """{"credits":5,"category":"goodwill","operator":"a"}""", "k", HttpStatusCode.BadRequest },                     // no reason
        { "grants", """{"credits":5,"category":"goodwill","reason":"  ","operator":"a"}""", "k", HttpStatusCode.BadRequest },      // blank reason
        { "grants", """{"credits":5,"category":"gift","reason":"r","operator":"a"}""", "k", HttpStatusCode.BadRequest },           // unknown category
        { "grants", """{"credits":5,"category":"goodwill","reason":"r","operator":"a"}""", null, HttpStatusCode.BadRequest },      // no Idempotency-Key
        { "grants", """{"credits":0,"category":"goodwill","reason":"r","operator":"a"}""", "k", HttpStatusCode.BadRequest },
        { "grants", """{"credits":-3,"category":"goodwill","reason":"r","operator":"a"}""", "k", HttpStatusCode.BadRequest },
        { "grants", """{"credits":1000000001,"category":"goodwill","reason":"r","operator":"a"}""", "k", HttpStatusCode.BadRequest },
        { "grants", """{"credits":1.5,"category":"goodwill","reason":"r","operator":"a"}""", "k", HttpStatusCode.BadRequest },
        { "grants", """{"credits":5,"category":"goodwill","reason":"r","operator":"a\u0000b"}""", "k", HttpStatusCode.BadRequest },
        { "grants", """{"credits":5,"category":"goodwill","reason":"r","operator":"a","expiresAt":"2020-01-01T00:00:00Z"}""", "k", HttpStatusCode.BadRequest },
        { "grants", "not json", "k", HttpStatusCode.BadRequest },
        { "revocations", """{"credits":5,"category":"goodwill","reason":"r"}""", "k", HttpStatusCode.BadRequest },
        { "revocations", """{"credits":0,"category":"correction","reason":"r","operator":"a"}""", "k", HttpStatusCode.BadRequest },
        { "revocations", """{"credits":5,"category":"correction","reason":"r","operator":"a"}""", null, HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_grant_or_revocation_is_a_problem_and_moves_nothing(string action, string body, string? key, HttpStatusCode expected)
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby");
        using var http = system.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/console/api/customers/{customer}/{action}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);

        var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        Assert.Empty(await LogAsync(customer));
    }

    [Fact]
    public async Task A_grant_for_an_unknown_customer_is_404_and_logs_nothing()
    {
        var customer = NewCustomer();
        var grant = await PostAsync($"/console/api/customers/{customer}/grants",
            new { credits = 5, category = "goodwill", reason = "r", @operator = "a" }, "k");
        var revoke = await PostAsync($"/console/api/customers/{customer}/revocations",
            new { credits = 5, category = "goodwill", reason = "r", @operator = "a" }, "k");
        using var http = system.Client();
        var page = await http.GetAsync($"/console/api/customers/{customer}");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (grant.StatusCode, revoke.StatusCode, page.StatusCode));
        Assert.Equal("application/problem+json", page.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await LogAsync(customer));
    }

    [Fact]
    public async Task PostgreSQL_refuses_to_change_or_delete_the_operator_log()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby");
        await JsonAsync(await PostAsync($"/console/api/customers/{customer}/grants",
            new { credits = 5, category = "goodwill", reason = "kept for ever", @operator = "alice" }, "log-1"), HttpStatusCode.Created);
        var id = Assert.Single(await LogAsync(customer)).Id;

        await using var db = system.Accounts.NewDbContext();
        await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE operator_actions SET reason = 'rewritten', actor = 'nobody' WHERE id = {id}"));
        await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlAsync($"DELETE FROM operator_actions WHERE id = {id}"));
        await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE operator_actions"));

        var kept = Assert.Single(await LogAsync(customer));
        Assert.Equal(("kept for ever", "alice via " + KeyName), (kept.Reason, kept.Actor));
    }

    async Task<AuditDifference> ArrangeDifferenceAsync(string customer)
    {
        await using var db = system.Accounts.NewDbContext();
        var now = DateTimeOffset.UtcNow;
        var difference = new AuditDifference
        {
            Id = Guid.NewGuid(), Kind = AuditKinds.PurchaseWithoutGrant, Subject = "pi_" + Guid.NewGuid().ToString("N")[..12], CustomerId = customer,
            StripeCustomerId = "cus_ops", Expected = "one purchase grant of 500", Actual = "none", OccurredAt = now.AddHours(-2),
            Evidence = """{"stripeIds":["pi_x"]}""", Status = AuditDifferenceStatus.Open, FirstRunId = Guid.NewGuid(), FoundAt = now, LastSeenAt = now,
        };
        difference.Fingerprint = $"{difference.Kind}:{difference.Subject}";
        db.Add(difference);
        await db.SaveChangesAsync();
        return difference;
    }

    [Fact]
    public async Task A_difference_is_resolved_once_and_a_second_resolve_is_a_conflict()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby");
        var difference = await ArrangeDifferenceAsync(customer);
        var resolve = new { resolution = "granted by hand, see grant goodwill-7", reason = "customer wrote in", @operator = "dana" };

        var open = await JsonAsync(await GetAsync("/console/api/audit/differences?status=open&limit=1000"), HttpStatusCode.OK);
        Assert.Contains(open.EnumerateArray(), d => d.GetProperty("id").GetGuid() == difference.Id);
        var resolved = await JsonAsync(await PostAsync($"/console/api/audit/differences/{difference.Id}/resolve", resolve), HttpStatusCode.OK);
        var twice = await PostAsync($"/console/api/audit/differences/{difference.Id}/resolve", resolve);
        var unknown = await PostAsync($"/console/api/audit/differences/{Guid.NewGuid()}/resolve", resolve);
        var badStatus = await GetAsync("/console/api/audit/differences?status=gone");

        Assert.Equal(("resolved", "dana via " + KeyName), (resolved.GetProperty("status").GetString(), resolved.GetProperty("resolvedBy").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("application/problem+json", twice.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        await using var db = system.Accounts.NewDbContext();
        var stored = await db.Set<AuditDifference>().AsNoTracking().SingleAsync(d => d.Id == difference.Id);
        Assert.Equal((AuditDifferenceStatus.Resolved, "granted by hand, see grant goodwill-7"), (stored.Status, stored.Resolution));
        var logged = Assert.Single(await LogAsync(customer));
        Assert.Equal((OperatorActionKinds.ResolveAuditDifference, difference.Id.ToString(), "customer wrote in"), (logged.Action, logged.Subject, logged.Reason));
    }

    [Fact]
    public async Task An_audit_run_asked_for_on_the_console_is_queued_logged_and_run_by_the_orchestrator()
    {
        var reason = "checking after the webhook outage " + Guid.NewGuid().ToString("N")[..6];
        var from = DateTimeOffset.UtcNow.AddDays(-2);

        var queued = await JsonAsync(await PostAsync("/console/api/audit/runs", new { reason, @operator = "erin", from }), HttpStatusCode.Accepted);
        var id = queued.GetProperty("id").GetGuid();

        Assert.Equal(("queued", "erin via " + KeyName), (queued.GetProperty("status").GetString(), queued.GetProperty("requestedBy").GetString()));
        var run = await Eventually.Get(async () => await JsonAsync(await GetAsync($"/console/api/audit/runs/{id}"), HttpStatusCode.OK),
            r => r.GetProperty("status").GetString() is "completed" or "failed" or "skipped", TimeSpan.FromSeconds(60), "the Orchestrator runs the audit");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(from.ToUnixTimeMilliseconds(), run.GetProperty("windowStart").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var runs = await JsonAsync(await GetAsync("/console/api/audit/runs"), HttpStatusCode.OK);
        Assert.Contains(runs.EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);

        await using var db = system.Accounts.NewDbContext();
        var logged = await db.Set<OperatorAction>().AsNoTracking().Where(a => a.Reason == reason).ToListAsync();
        Assert.Equal((OperatorActionKinds.RunAudit, id.ToString(), "erin via " + KeyName), (Assert.Single(logged).Action, logged[0].Subject, logged[0].Actor));

        var backwards = await PostAsync("/console/api/audit/runs", new { reason, @operator = "erin", from, to = from.AddDays(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        var noReason = await PostAsync("/console/api/audit/runs", new { @operator = "erin" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Single(await db.Set<OperatorAction>().AsNoTracking().Where(a => a.Reason == reason).ToListAsync());
    }

    [Fact]
    public async Task The_customer_page_shows_the_ledger_the_differences_and_the_operator_log()
    {
        var customer = NewCustomer();
        await system.Accounts.OpenAsync(customer, "hobby");
        var difference = await ArrangeDifferenceAsync(customer);
        var grant = await JsonAsync(await PostAsync($"/console/api/customers/{customer}/grants",
            new { credits = 75, category = "correction", reason = "missed allowance", @operator = "alice" }, "page-1"), HttpStatusCode.Created);
        await JsonAsync(await PostAsync($"/console/api/customers/{customer}/revocations",
            new { credits = 5, category = "correction", reason = "over-granted by 5", @operator = "alice" }, "page-2"), HttpStatusCode.Created);

        var page = await JsonAsync(await GetAsync($"/console/api/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal(270, page.GetProperty("balance").GetProperty("available").GetInt64());
        var grantEntry = grant.GetProperty("entryIds")[0].GetInt64();
        Assert.Contains(page.GetProperty("entries").EnumerateArray(),
            e => e.GetProperty("id").GetInt64() == grantEntry && e.GetProperty("kind").GetString() == "Grant");
        Assert.Contains(page.GetProperty("grants").EnumerateArray(), g => g.GetProperty("id").GetGuid() == grant.GetProperty("grantId").GetGuid());
        Assert.Equal(difference.Id, Assert.Single(page.GetProperty("auditDifferences").EnumerateArray().ToList()).GetProperty("id").GetGuid());
        var actions = page.GetProperty("operatorActions").EnumerateArray().ToList();
        Assert.Equal([OperatorActionKinds.RevokeCredits, OperatorActionKinds.GrantCredits], actions.Select(a => a.GetProperty("action").GetString()).ToList());

        var log = await JsonAsync(await GetAsync($"/console/api/operator-actions?customerId={customer}"), HttpStatusCode.OK);
        Assert.Equal(["over-granted by 5", "missed allowance"], log.EnumerateArray().Select(a => a.GetProperty("reason").GetString()).ToList());
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/console/api/operator-actions?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/console/api/customers/has%20space")).StatusCode);
    }

    async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var http = system.Client();
        return await http.GetAsync(path);
    }
}
