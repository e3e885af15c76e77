using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Sagas;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Customers;

/// <summary>
/// Invoices and receipts (issue 14, item 6) on the real system: GET /v1/customers/{id}/invoices and the portal's
/// /portal/api/invoices show what Stripe holds (read back here through Stripe.net), for the customer named and no
/// other; a bad limit is a 400 problem, Stripe out of reach a 503 problem while the rest of the portal answers.
/// </summary>
public class InvoiceListTests(InvoiceListTests.InvoiceSystem system) : IClassFixture<InvoiceListTests.InvoiceSystem>
{
    /// <summary>The system with the portal on, and one customer who upgraded to Pro and bought credits twice, arranged once.</summary>
    public sealed class InvoiceSystem : SystemUnderTest
    {
        public const string UsageOnlyKey = "invoice-tests-usage-only-key";

        protected override void Configure(Dictionary<string, string> environment)
        {
            environment["Portal__SigningKey"] = "invoice-list-tests-portal-signing-key-0123456789abcdef";
            environment.WithApiKey(1, "usage-only", UsageOnlyKey, "usage:write");
        }

        readonly SemaphoreSlim _arranging = new(1, 1);
        Billed? _billed;

        public async Task<Billed> BilledCustomerAsync()
        {
            await _arranging.WaitAsync();
            try { return _billed ??= await ArrangeAsync(); }
            finally { _arranging.Release(); }
        }

        /// <summary>Hobby, a saved card, the upgrade to Pro (a paid proration invoice), a top-up on the card and one through Checkout.</summary>
        async Task<Billed> ArrangeAsync()
        {
            await using var bus = await TestBus.StartAsync(Infrastructure.VirtualHost.Uri);
            var flows = new SagaFlows(this, bus.Publisher);
            var id = SagaFlows.NewCustomerId("invoiced");
            var customer = await flows.RegisterAsync(id);
            await flows.SaveCardAsync(customer.StripeCustomerId!);
            var upgrade = await flows.PlanChangeEndsAsync(await flows.ChangePlanAsync(id, "pro"), "Completed", "Failed", "CompensationFailed");
            Assert.Equal("Completed", upgrade.CurrentState);

            var onCard = await flows.TopUpInStateAsync(await flows.PurchaseAsync(customer, credits: 500, amount: 1000, savedCard: true),
                "Completed", "Cancelled");
            Assert.Equal("Completed", onCard.CurrentState);
            var checkout = await flows.PurchaseAsync(customer, credits: 1200, amount: 2000, savedCard: false);
            var session = await Eventually.Get(() => flows.TopUpAsync(checkout), p => p?.CheckoutSessionId is not null, SagaFlows.StepTimeout,
                "a checkout session");
            await Stripe.Control.CheckoutAsync(session!.CheckoutSessionId!, "complete");
            var paid = await flows.TopUpInStateAsync(checkout, "Completed", "Cancelled");
            Assert.Equal("Completed", paid.CurrentState);
            return new(id, customer.StripeCustomerId!, [onCard, paid]);
        }
    }

    public sealed record Billed(string CustomerId, string StripeCustomerId, IReadOnlyList<TopUpState> Purchases);

    StripeClient Stripe => system.Stripe.CreateClient("sk_test_emulator");

    static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    async Task<HttpClient> PortalAsync(string customerId)
    {
        using var api = system.Client();
        var session = await OkAsync(await api.PostAsync($"/v1/customers/{customerId}/portal-sessions", null));
        var url = new Uri(session.GetProperty("url").GetString()!);
        var token = System.Web.HttpUtility.ParseQueryString(url.Query)["token"]!;
        var portal = new HttpClient { BaseAddress = system.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        portal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return portal;
    }

    /// <summary>Stripe's finalized invoices of a customer, newest first, through Stripe.net.</summary>
    async Task<List<Invoice>> StripeInvoicesAsync(string stripeCustomerId) =>
        (await Stripe.V1.Invoices.ListAsync(new() { Customer = stripeCustomerId, Limit = 100 })).Data.Where(i => i.Status != "draft").ToList();

    [Fact]
    public async Task An_upgraded_customer_who_bought_credits_sees_stripes_invoices_and_receipts_with_their_amounts_and_links()
    {
        var billed = await system.BilledCustomerAsync();
        using var api = system.Client();

        var list = await OkAsync(await api.GetAsync($"/v1/customers/{billed.CustomerId}/invoices"));

        // Invoices: exactly Stripe's finalized ones, newest first, with Stripe's amounts and hosted links.
        var expected = await StripeInvoicesAsync(billed.StripeCustomerId);
        var shown = list.GetProperty("invoices").EnumerateArray().ToList();
        Assert.Equal(expected.Select(i => i.Id), shown.Select(i => i.GetProperty("id").GetString()));
        foreach (var (stripe, view) in expected.Zip(shown))
        {
            Assert.Equal(stripe.Number, view.GetProperty("number").GetString());
            Assert.Equal(stripe.Status, view.GetProperty("status").GetString());
            Assert.Equal(stripe.Total, view.GetProperty("total").GetInt64());
            Assert.Equal(stripe.AmountDue, view.GetProperty("amountDue").GetInt64());
            Assert.Equal(stripe.AmountPaid, view.GetProperty("amountPaid").GetInt64());
            Assert.Equal(stripe.AmountRemaining, view.GetProperty("amountRemaining").GetInt64());
            Assert.Equal(stripe.Currency, view.GetProperty("currency").GetString());
            Assert.Equal(stripe.HostedInvoiceUrl, view.GetProperty("hostedInvoiceUrl").GetString());
            Assert.Equal(stripe.InvoicePdf, view.GetProperty("invoicePdf").GetString());
            Assert.NotNull(stripe.HostedInvoiceUrl);
        }
        var upgrade = Assert.Single(shown, i => i.GetProperty("billingReason").GetString() == "subscription_update");
        Assert.Equal("paid", upgrade.GetProperty("status").GetString());
        Assert.InRange(upgrade.GetProperty("amountPaid").GetInt64(), 1_990, 2_000); // Pro's $20 for (almost) the whole period
        // Its period is the lines' service period: from the upgrade to the period's end, not Stripe's look-back period.
        Assert.True(upgrade.GetProperty("periodEnd").GetDateTimeOffset() > upgrade.GetProperty("periodStart").GetDateTimeOffset());
        using (var page = await new HttpClient().GetAsync(upgrade.GetProperty("hostedInvoiceUrl").GetString()))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the link works

        // Receipts: one per paid purchase, with the charge's receipt and the amount Stripe received.
        var receipts = list.GetProperty("receipts").EnumerateArray().ToList();
        Assert.Equal(billed.Purchases.Count, receipts.Count);
        foreach (var purchase in billed.Purchases)
        {
            var receipt = Assert.Single(receipts, r => r.GetProperty("purchaseId").GetGuid() == purchase.CorrelationId);
            var intent = await Stripe.V1.PaymentIntents.GetAsync(purchase.PaymentIntentId, new() { Expand = ["latest_charge"] });
            Assert.Equal(intent.Id, receipt.GetProperty("paymentIntentId").GetString());
            Assert.Equal(purchase.Amount, intent.AmountReceived);
            Assert.Equal(intent.AmountReceived, receipt.GetProperty("amount").GetInt64());
            Assert.Equal(purchase.Credits, receipt.GetProperty("credits").GetInt64());
            Assert.Equal(intent.Currency, receipt.GetProperty("currency").GetString());
            Assert.Equal(intent.LatestChargeId, receipt.GetProperty("chargeId").GetString());
            Assert.NotNull(intent.LatestCharge.ReceiptUrl);
            Assert.Equal(intent.LatestCharge.ReceiptUrl, receipt.GetProperty("receiptUrl").GetString());
            using var page = await new HttpClient().GetAsync(intent.LatestCharge.ReceiptUrl);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        // Newest first, like the invoices: the Checkout purchase was paid last.
        Assert.Equal(billed.Purchases[^1].CorrelationId, receipts[0].GetProperty("purchaseId").GetGuid());
        Assert.False(list.GetProperty("moreInvoices").GetBoolean());
        Assert.False(list.GetProperty("moreReceipts").GetBoolean());

        // The portal shows the customer the same lists.
        using var portal = await PortalAsync(billed.CustomerId);
        var inPortal = await OkAsync(await portal.GetAsync("/portal/api/invoices"));
        Assert.Equal(list.GetProperty("invoices").GetRawText(), inPortal.GetProperty("invoices").GetRawText());
        Assert.Equal(list.GetProperty("receipts").GetRawText(), inPortal.GetProperty("receipts").GetRawText());
    }

    [Fact]
    public async Task A_limit_shows_the_newest_and_says_there_are_more()
    {
        var billed = await system.BilledCustomerAsync();
        using var api = system.Client();

        var list = await OkAsync(await api.GetAsync($"/v1/customers/{billed.CustomerId}/invoices?limit=1"));

        var newest = (await StripeInvoicesAsync(billed.StripeCustomerId))[0];
        Assert.Equal(newest.Id, Assert.Single(list.GetProperty("invoices").EnumerateArray()).GetProperty("id").GetString());
        Assert.True(list.GetProperty("moreInvoices").GetBoolean());
        Assert.Equal(billed.Purchases[^1].CorrelationId, Assert.Single(list.GetProperty("receipts").EnumerateArray()).GetProperty("purchaseId").GetGuid());
        Assert.True(list.GetProperty("moreReceipts").GetBoolean());
    }

    [Fact]
    public async Task Another_customer_sees_only_its_own_invoices_by_id_or_by_portal_token()
    {
        var billed = await system.BilledCustomerAsync();
        await using var bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);
        var other = await new SagaFlows(system, bus.Publisher).RegisterAsync(SagaFlows.NewCustomerId("other"));
        // The ledger account opens just after the saga is Active; a portal session needs it.
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(other.CustomerId), a => a == 200);
        var theirs = (await StripeInvoicesAsync(billed.StripeCustomerId)).Select(i => i.Id).ToHashSet();
        var own = (await StripeInvoicesAsync(other.StripeCustomerId!)).Select(i => i.Id).ToList();
        Assert.NotEmpty(own); // Hobby's first invoice (of zero)
        using var api = system.Client();
        using var portal = await PortalAsync(other.CustomerId);

        foreach (var response in new[]
        {
            await api.GetAsync($"/v1/customers/{other.CustomerId}/invoices"),
            await portal.GetAsync("/portal/api/invoices"),
            // The portal takes the customer from the token only: naming another in the query changes nothing.
            await portal.GetAsync($"/portal/api/invoices?customerId={billed.CustomerId}"),
        })
        {
            var list = await OkAsync(response);
            var ids = list.GetProperty("invoices").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
            Assert.Equal(own, ids);
            Assert.DoesNotContain(ids, theirs.Contains);
            Assert.Empty(list.GetProperty("receipts").EnumerateArray());
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("101")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public async Task A_bad_limit_is_a_400_problem_on_both_doors(string limit)
    {
        var billed = await system.BilledCustomerAsync();
        using var api = system.Client();
        using var portal = await PortalAsync(billed.CustomerId);

        await ProblemAsync(await api.GetAsync($"/v1/customers/{billed.CustomerId}/invoices?limit={limit}"), HttpStatusCode.BadRequest);
        await ProblemAsync(await portal.GetAsync($"/portal/api/invoices?limit={limit}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_key_without_the_read_scope_is_refused_with_403()
    {
        var billed = await system.BilledCustomerAsync();
        using var producer = system.Client(InvoiceSystem.UsageOnlyKey);

        var problem = await ProblemAsync(await producer.GetAsync($"/v1/customers/{billed.CustomerId}/invoices"), HttpStatusCode.Forbidden);
        Assert.Equal("read", problem.GetProperty("requiredScope").GetString());
    }

    [Fact]
    public async Task An_unknown_customer_is_a_404_problem()
    {
        using var api = system.Client();
        await ProblemAsync(await api.GetAsync($"/v1/customers/nobody-{Guid.NewGuid():N}/invoices"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stripe_out_of_reach_is_a_503_problem_and_the_rest_of_the_portal_still_answers()
    {
        var billed = await system.BilledCustomerAsync();
        using var api = system.Client();
        using var portal = await PortalAsync(billed.CustomerId);
        // Every invoice read fails as a Stripe outage does (Stripe.net and StripeCalls retry it, then give up).
        await system.Stripe.Control.AddFaultAsync(new { method = "GET", path = "/v1/invoices*", status = 503, rate = 1 });
        try
        {
            var problem = await ProblemAsync(await api.GetAsync($"/v1/customers/{billed.CustomerId}/invoices"), HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Stripe unavailable", problem.GetProperty("title").GetString());
            var inPortal = await portal.GetAsync("/portal/api/invoices");
            Assert.NotNull(inPortal.Headers.RetryAfter);
            await ProblemAsync(inPortal, HttpStatusCode.ServiceUnavailable);

            var account = await OkAsync(await portal.GetAsync("/portal/api/account"));
            Assert.Equal(billed.CustomerId, account.GetProperty("customerId").GetString());
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }
        await OkAsync(await api.GetAsync($"/v1/customers/{billed.CustomerId}/invoices")); // and back once Stripe is
    }
}
