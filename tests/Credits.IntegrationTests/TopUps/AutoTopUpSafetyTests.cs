using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.TopUps;
using Credits.Contracts.Usage;
using Credits.IntegrationTests.Sagas;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.TopUps;

/// <summary>The system with the customer portal turned on (a signing key for its tokens).</summary>
public sealed class PortalSystem : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment) =>
        environment["Portal__SigningKey"] = "auto-top-up-safety-tests-signing-key-0123456789";
}

/// <summary>
/// The auto top-up's safety rules on the real system (docs/lifecycle/auto-top-up.md): a card that keeps declining stops
/// auto top-up after three purchases, and the monthly cap stops purchases that would exceed it. The policy is set
/// through the API as an app would; the balance falls through usage on the bus; the books are read at Stripe (the
/// customer's PaymentIntents) and in the ledger.
/// </summary>
public class AutoTopUpSafetyTests(PortalSystem system) : IClassFixture<PortalSystem>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() =>
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(AutoTopUpSuspended), typeof(AutoTopUpCapReached));

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_card_that_keeps_declining_stops_auto_top_up_after_three_purchases_and_the_customer_is_told()
    {
        var id = SagaFlows.NewCustomerId("autostop");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!, "pm_card_chargeCustomerFail");
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        await ConfigureAsync(id, new { enabled = true, threshold = 150, packId = "small" }, HttpStatusCode.Accepted);
        await Eventually.True(async () => (await SagaAsync(id))?.CurrentState == "Idle", SagaFlows.StepTimeout, "auto top-up configured");
        await Eventually.True(async () => await LedgerThresholdAsync(id) == 150, SagaFlows.StepTimeout, "the ledger has the customer's threshold");

        // Each crossing (150: the customer's threshold; 50 and 20: Hobby's) starts a purchase; each is declined.
        await UseAsync(id, 60, "a");   // 140
        await Eventually.True(async () => (await SagaAsync(id))?.ConsecutiveFailures == 1, SagaFlows.StepTimeout, "the first decline counted");
        await UseAsync(id, 100, "b");  // 40
        await Eventually.True(async () => (await SagaAsync(id))?.ConsecutiveFailures == 2, SagaFlows.StepTimeout, "the second decline counted");
        await UseAsync(id, 30, "c");   // 10
        var stopped = await Eventually.Get(() => SagaAsync(id), s => s?.CurrentState == "Suspended", SagaFlows.StepTimeout, "stopped after three");

        Assert.False(stopped!.Enabled);
        Assert.Equal(3, stopped.ConsecutiveFailures);
        var suspended = await Eventually.Get(() => Task.FromResult(_bus!.Received<AutoTopUpSuspended>().Where(s => s.CustomerId == id).ToList()),
            l => l.Count > 0, SagaFlows.StepTimeout, "AutoTopUpSuspended");
        Assert.Contains("declined", suspended.Single().Reason, StringComparison.OrdinalIgnoreCase);

        // Stopped: the balance reaching zero buys nothing more.
        await UseAsync(id, 10, "d");   // 0: CreditsExhausted
        await Task.Delay(3000);
        var intents = await Flows.Stripe.V1.PaymentIntents.ListAsync(new() { Customer = customer.StripeCustomerId, Limit = 100 });
        Assert.Equal(3, intents.Data.Count);
        Assert.All(intents.Data, p => Assert.NotEqual("succeeded", p.Status));
        Assert.Equal(0, await PurchaseGrantsAsync(id));
        Assert.Equal(0, await system.Accounts.AvailableAsync(id));
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
        Assert.Single(_bus!.Received<AutoTopUpSuspended>(), s => s.CustomerId == id);

        // What the app and the customer see.
        using var api = system.Client();
        var view = await api.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}/auto-top-up");
        Assert.Equal(("stopped", false), (view.GetProperty("state").GetString(), view.GetProperty("enabled").GetBoolean()));
        Assert.True(view.GetProperty("safety").GetProperty("stopped").GetBoolean());
        Assert.Contains("declined", view.GetProperty("safety").GetProperty("stoppedReason").GetString(), StringComparison.OrdinalIgnoreCase);
        using var portal = await PortalClientAsync(api, id);
        var account = await portal.GetFromJsonAsync<JsonElement>("/portal/api/account");
        var shown = account.GetProperty("autoTopUp").GetProperty("safety");
        Assert.True(shown.GetProperty("stopped").GetBoolean());
        Assert.Contains("declined", shown.GetProperty("stoppedReason").GetString(), StringComparison.OrdinalIgnoreCase);

        // Enabling again (from the portal) restarts it with a fresh count.
        var enabled = await portal.PutAsJsonAsync("/portal/api/auto-top-up", new { enabled = true, threshold = 150, packId = "small" });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        var restarted = await Eventually.Get(() => SagaAsync(id), s => s?.CurrentState == "Idle", SagaFlows.StepTimeout, "enabled again");
        Assert.Equal((true, 0, (DateTimeOffset?)null), (restarted!.Enabled, restarted.ConsecutiveFailures, restarted.SuspendedAt));
    }

    [Fact]
    public async Task The_monthly_cap_stops_the_purchase_that_would_exceed_it()
    {
        var id = SagaFlows.NewCustomerId("autocap");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // A cap below one pack could never buy: refused.
        await ConfigureAsync(id, new { enabled = true, threshold = 150, packId = "small", monthlyCap = 100 }, HttpStatusCode.BadRequest);
        // Two small packs ($5.00 each) a month.
        await ConfigureAsync(id, new { enabled = true, threshold = 150, packId = "small", monthlyCap = 1000 }, HttpStatusCode.Accepted);
        await Eventually.True(async () => (await SagaAsync(id))?.MonthlyCap == 1000, SagaFlows.StepTimeout, "auto top-up configured");
        await Eventually.True(async () => await LedgerThresholdAsync(id) == 150, SagaFlows.StepTimeout, "the ledger has the customer's threshold");

        await UseAsync(id, 60, "a");   // 140 -> buys: 640
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 640, SagaFlows.StepTimeout, "the first purchase");
        await Eventually.True(async () => (await SagaAsync(id))?.CurrentState == "Idle", SagaFlows.StepTimeout);
        await UseAsync(id, 500, "b");  // 140 -> buys: 640
        await Eventually.Get(() => PurchaseGrantsAsync(id), n => n == 2, SagaFlows.StepTimeout, "the second purchase granted");
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 640, SagaFlows.StepTimeout, "the second purchase");
        await Eventually.True(async () => (await SagaAsync(id))?.CurrentState == "Idle", SagaFlows.StepTimeout);
        await UseAsync(id, 500, "c");  // 140: the third would take the month to $15.00
        var reached = await Eventually.Get(() => Task.FromResult(_bus!.Received<AutoTopUpCapReached>().Where(r => r.CustomerId == id).ToList()),
            l => l.Count > 0, SagaFlows.StepTimeout, "AutoTopUpCapReached");
        await UseAsync(id, 100, "d");  // 40: crosses Hobby's 50, still capped
        await Task.Delay(3000);

        var r = reached.Single();
        Assert.Equal((1000L, 1000L, 500L, "usd"), (r.MonthlyCap, r.StartedThisMonth, r.Amount, r.Currency));
        Assert.Single(_bus!.Received<AutoTopUpCapReached>(), x => x.CustomerId == id);
        var intents = await Flows.Stripe.V1.PaymentIntents.ListAsync(new() { Customer = customer.StripeCustomerId, Limit = 100 });
        Assert.Equal(2, intents.Data.Count);
        Assert.Equal(1000, intents.Data.Where(p => p.Status == "succeeded").Sum(p => p.Amount));
        Assert.Equal(2, await PurchaseGrantsAsync(id));
        Assert.Equal(40, await system.Accounts.AvailableAsync(id));
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);

        using var api = system.Client();
        var safety = (await api.GetFromJsonAsync<JsonElement>($"/v1/customers/{id}/auto-top-up")).GetProperty("safety");
        Assert.Equal((1000, 1000, true), (safety.GetProperty("monthlyCap").GetInt64(), safety.GetProperty("startedThisMonth").GetInt64(),
            safety.GetProperty("capReachedThisMonth").GetBoolean()));
    }

    async Task ConfigureAsync(string customerId, object body, HttpStatusCode expected)
    {
        using var api = system.Client();
        var response = await api.PutAsJsonAsync($"/v1/customers/{customerId}/auto-top-up", body);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    Task UseAsync(string customerId, long credits, string key) =>
        _bus!.Publisher.Publish(new UsageRecorded { EventId = $"{customerId}-{key}", CustomerId = customerId, Credits = credits, OccurredAt = DateTimeOffset.UtcNow });

    async Task<AutoTopUpState?> SagaAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        var key = SagaKeys.ForAutoTopUp(customerId);
        return await db.Set<AutoTopUpState>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == key);
    }

    async Task<long?> LedgerThresholdAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<Credits.Ledger.Model.LedgerAccount>().AsNoTracking().Where(a => a.CustomerId == customerId)
            .Select(a => a.LowBalanceThreshold).SingleOrDefaultAsync();
    }

    async Task<int> PurchaseGrantsAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM ledger_grants WHERE customer_id = {customerId} AND source = 'Purchase'").SingleAsync();
    }

    async Task<HttpClient> PortalClientAsync(HttpClient api, string customerId)
    {
        var response = await api.PostAsync($"/v1/customers/{customerId}/portal-sessions", null);
        response.EnsureSuccessStatusCode();
        var url = new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!);
        var token = System.Web.HttpUtility.ParseQueryString(url.Query)["token"]!;
        var portal = new HttpClient { BaseAddress = system.Gateway.BaseAddress };
        portal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return portal;
    }
}
