using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Sagas;
using Credits.IntegrationTests.Stalls;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Hardening;

/// <summary>The short-redelivery system with the customer portal on.</summary>
public sealed class PortalShortRedeliverySystem : ShortRedeliverySystem
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        base.Configure(environment);
        environment["Portal__SigningKey"] = "customer-facing-reasons-tests-signing-key-0123456789";
    }
}

/// <summary>
/// A saga's reason for operators can hold Stripe's raw error (ids, internals) or an exception's message. On the real
/// system: the customer's views (/v1 operations and customers, the portal) show a safe sentence without that text,
/// and the operator console still shows it. docs/security/production.md.
/// </summary>
public class CustomerFacingReasonsTests(PortalShortRedeliverySystem system, ITestOutputHelper output)
    : IClassFixture<PortalShortRedeliverySystem>, IAsyncLifetime
{
    /// <summary>Stands for what must stay with operators: a request id, an object id, an exception's text.</summary>
    const string Marker = "SECRETMARKER7f3a";

    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    async Task<CustomerLifecycleState> HobbyWithCardAsync(string prefix)
    {
        var customer = await Flows.RegisterAsync(SagaFlows.NewCustomerId(prefix));
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(customer.CustomerId), a => a == 200);
        return customer;
    }

    [Fact]
    public async Task Stripes_raw_refusal_stays_with_operators()
    {
        var customer = await HobbyWithCardAsync("rawrefusal");
        await system.Stripe.Control.AddFaultAsync(new
        {
            method = "POST", path = $"/v1/subscriptions/{customer.SubscriptionId}", status = 400, rate = 1, times = 1,
            message = $"No such price: 'price_{Marker}'; request req_{Marker}",
        });

        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        var change = await Flows.PlanChangeEndsAsync(operation, "Completed", "Failed", "CompensationFailed");
        Assert.Equal("Failed", change.CurrentState);
        Assert.Contains(Marker, change.LastError); // the saga keeps Stripe's words for operators

        await AssertCustomerSeesAsync(customer.CustomerId, operation, "Stripe refused the change");
        await AssertConsoleShowsMarkerAsync(operation);
    }

    [Fact]
    public async Task A_steps_exception_text_stays_with_operators()
    {
        var customer = await HobbyWithCardAsync("rawfault");
        await StallFaults.BlockPlanChangeLedgerWritesAsync(system, customer.CustomerId, fault: $"internal {Marker} at Credits.Ledger");

        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        var change = (await Eventually.Get(() => Flows.PlanChangeAsync(operation),
            p => p is not null && p.CurrentState is "Completed" or "Failed" or "GrantFailed" or "CompensationFailed",
            TimeSpan.FromSeconds(150), $"plan change {operation} ends"))!;
        output.WriteLine(change.Steps);
        Assert.Equal("GrantFailed", change.CurrentState);
        Assert.Contains(Marker, change.LastError);

        await AssertCustomerSeesAsync(customer.CustomerId, operation, "credits could not be granted; an operator must grant them");
        using (var http = system.Client())
            Assert.Equal("failed", (await http.GetFromJsonAsync<JsonElement>($"/v1/operations/{operation}")).GetProperty("status").GetString());
        await AssertConsoleShowsMarkerAsync(operation);
        await StallFaults.UnblockLedgerAsync(system, customer.CustomerId);
    }

    [Fact]
    public async Task A_card_decline_keeps_Stripes_message_for_the_cardholder()
    {
        var customer = await Flows.RegisterAsync(SagaFlows.NewCustomerId("decline"));
        await Flows.SaveCardAsync(customer.StripeCustomerId!, "pm_card_chargeCustomerFail");

        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: true);
        var cancelled = await Flows.TopUpInStateAsync(purchase, "Completed", "Cancelled");
        Assert.Equal("Cancelled", cancelled.CurrentState);
        output.WriteLine(cancelled.LastError);

        // Which of the two reports of the decline reaches the saga first is a race: the charge step's answer ("the
        // payment was declined") or Stripe's payment_intent.payment_failed ("the payment failed"). The first one
        // cancels the purchase and the other finds it cancelled; either way the sentence ends with Stripe's words.
        string[] sentences = ["the payment was declined: Your card was declined.", "the payment failed: Your card was declined."];
        Assert.Contains(cancelled.LastError, sentences);

        // Stripe writes card_error messages for cardholders: the decline reason is shown as Stripe gave it.
        using var http = system.Client();
        var view = await http.GetFromJsonAsync<JsonElement>($"/v1/operations/{purchase}");
        Assert.Equal(cancelled.LastError, view.GetProperty("error").GetString());
        using var portal = await PortalClientAsync(http, customer.CustomerId);
        var shown = await portal.GetFromJsonAsync<JsonElement>($"/portal/api/operations/{purchase}");
        Assert.Equal(cancelled.LastError, shown.GetProperty("error").GetString());
    }

    /// <summary>The app's and the customer's views of the operation and the customer: the safe sentence, never the marker.</summary>
    async Task AssertCustomerSeesAsync(string customerId, Guid operation, string expected)
    {
        using var http = system.Client();
        var view = await http.GetStringAsync($"/v1/operations/{operation}");
        output.WriteLine(view);
        Assert.DoesNotContain(Marker, view);
        Assert.Contains(expected, JsonDocument.Parse(view).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain(Marker, await http.GetStringAsync($"/v1/customers/{customerId}/operations"));
        Assert.DoesNotContain(Marker, await http.GetStringAsync($"/v1/customers/{customerId}"));

        using var portal = await PortalClientAsync(http, customerId);
        var listed = await portal.GetStringAsync("/portal/api/operations");
        Assert.DoesNotContain(Marker, listed);
        var shown = await portal.GetStringAsync($"/portal/api/operations/{operation}");
        output.WriteLine(shown);
        Assert.DoesNotContain(Marker, shown);
        Assert.Contains(expected, JsonDocument.Parse(shown).RootElement.GetProperty("error").GetString());
    }

    async Task AssertConsoleShowsMarkerAsync(Guid operation)
    {
        using var http = system.Client();
        var sagas = await http.GetFromJsonAsync<JsonElement>("/console/api/sagas");
        var shown = sagas.EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == operation);
        Assert.Contains(Marker, shown.GetProperty("error").GetString());
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
