using System.Net;
using Credits.Client;
using Credits.Contracts.Usage;
using Credits.IntegrationTests.Customers;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Client;

/// <summary>
/// Credits.Client against the real system (Gateway, Orchestrator, PostgreSQL, RabbitMQ, the Stripe emulator): every
/// area of the API through the typed client, as an app would call it. The registration with IHttpClientFactory and
/// the bus helper are in the other parts of this class, on the same system.
/// </summary>
public partial class CreditsClientTests(CreditsClientTests.ClientSystem system) : IClassFixture<CreditsClientTests.ClientSystem>, IAsyncLifetime
{
    /// <summary>The system with the customer portal on, for portal sessions.</summary>
    public sealed class ClientSystem : SystemUnderTest
    {
        protected override void Configure(Dictionary<string, string> environment) =>
            environment["Portal__SigningKey"] = "credits-client-tests-portal-signing-key-0123456789abcdef";
    }

    static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(90);
    readonly HttpClient _http = system.Client();
    TestBus? _bus;

    CreditsClient Credits => new(_http);
    CustomerRows Rows => new(system.Accounts);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(UsageRecorded));

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_bus is not null) await _bus.DisposeAsync();
    }

    static string NewCustomer(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    async Task<string> OpenAsync(string prefix, string plan = "hobby")
    {
        var customer = NewCustomer(prefix);
        await system.Accounts.OpenAsync(customer, plan);
        return customer;
    }

    [Fact]
    public async Task Usage_is_applied_once_acknowledged_as_a_duplicate_and_rejected_with_its_reason()
    {
        var customer = await OpenAsync("client-usage");                                  // 200 credits

        var first = await Credits.RecordUsageAsync(
        [
            UsageEvent.InCredits("e1", customer, 30, "api-call"),
            UsageEvent.InCredits("e2", customer, 20, "api-call"),
            UsageEvent.InCredits("e3", "nobody-" + customer, 5),
        ]);
        var again = await Credits.RecordUsageAsync(UsageEvent.InCredits("e1", customer, 30, "api-call"));

        Assert.Equal((2, 0, 1), (first.Applied, first.Duplicates, first.Rejected));
        Assert.Equal([UsageStatuses.Applied, UsageStatuses.Applied, UsageStatuses.Rejected], first.Results.Select(r => r.Status));
        Assert.Equal((150L, 20L), (first.Results[1].Available!.Value, first.Results[1].Charged!.Value));
        Assert.Equal("unknown-customer", first.Results[2].ReasonCode);
        Assert.Equal(UsageStatuses.Duplicate, again.Status);
        var balance = await Credits.GetBalanceAsync(customer);
        Assert.Equal(150, balance!.Available);
        Assert.Equal(150, balance.BySource[GrantSource.PlanAllowance]);
        Assert.Equal("hobby", balance.PlanId);
    }

    [Fact]
    public async Task Priced_usage_is_charged_in_whole_credits_and_the_ledger_pages_back_through_every_entry()
    {
        var customer = await OpenAsync("client-priced");

        // gpt-4o input tokens at 0.00025 credits: 10,000 tokens are 2.5 credits, so 2 then 3 with the half carried.
        var charged = new List<long?>();
        for (var i = 0; i < 2; i++)
            charged.Add((await Credits.RecordUsageAsync(UsageEvent.InUnits($"t{i}", customer, 10_000, "input-token", "gpt-4o"))).Charged);

        Assert.Equal([2L, 3L], charged);
        var whole = await Credits.GetLedgerAsync(customer);
        var paged = new List<LedgerEntry>();
        long? before = null;
        do
        {
            var page = await Credits.GetLedgerAsync(customer, before, limit: 1);
            paged.AddRange(page.Entries);
            before = page.NextBefore;
        } while (before is not null);
        Assert.Equal(whole.Entries.Select(e => e.Id), paged.Select(e => e.Id));
        Assert.True(paged.Count >= 3);
        Assert.Equal(EntryKind.Grant, paged[^1].Kind);
        Assert.All(paged.Where(e => e.Kind == EntryKind.Debit && e.Pricing is not null), e => Assert.Equal(1, e.Pricing!.RateCardVersion));
        var rates = Assert.Single(await Credits.GetRateCardsAsync()).Rates;
        Assert.Contains(rates, r => (r.Feature, r.Unit, r.CreditsPerUnit) == ("gpt-4o", "input-token", 0.00025m));
        var usage = Assert.Single((await Credits.GetUsageAsync(customer)).Features);
        Assert.Equal(("gpt-4o", 5L, 2L), (usage.Feature, usage.Credits, usage.Events));
        Assert.Equal(20_000m, Assert.Single(usage.Quantities).Quantity);
        var window = await Credits.GetUsageAsync(customer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(5L, Assert.Single(window.Features).Credits);
        Assert.Empty((await Credits.GetUsageAsync(customer, DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(-2))).Features);
    }

    [Fact]
    public async Task Entitlement_answers_for_the_customer_and_for_a_member_within_its_limit()
    {
        var org = await OpenAsync("client-org");

        var ada = await Credits.SetMemberLimitAsync(org, "ada", 50);
        await Credits.RecordUsageAsync(new UsageEvent { EventId = "a1", CustomerId = org, Credits = 50, MemberId = "ada" });

        Assert.Equal(50, ada.LimitPerPeriod);
        Assert.True((await Credits.CheckEntitlementAsync(org, 150)).Allowed);
        var tooMuch = await Credits.CheckEntitlementAsync(org, 151);
        Assert.False(tooMuch.Allowed);
        Assert.Equal(150, tooMuch.Available);
        var member = await Credits.CheckEntitlementAsync(org, 1, memberId: "ada");
        Assert.Equal((false, "ada", 0L), (member.Allowed, member.MemberId, member.MemberRemaining!.Value));
        Assert.Equal(50, Assert.Single(await Credits.GetMembersAsync(org)).UsedThisPeriod);
    }

    [Fact]
    public async Task A_reservation_is_held_once_however_often_it_is_retried_then_settled_or_released()
    {
        var customer = await OpenAsync("client-reserve");

        var held = await Credits.ReserveAsync(customer, 150, TimeSpan.FromMinutes(1), idempotencyKey: "job-1");
        var retried = await Credits.ReserveAsync(customer, 150, TimeSpan.FromMinutes(1), idempotencyKey: "job-1");
        var refused = await Assert.ThrowsAsync<CreditsApiException>(() => Credits.ReserveAsync(customer, 100));

        Assert.Equal(("applied", "duplicate"), (held.Outcome, retried.Outcome));
        Assert.Equal(held.ReservationId, retried.ReservationId);
        Assert.Equal(50, retried.Available);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var settled = await Credits.SettleAsync(customer, held.ReservationId!.Value, actualCredits: 120);
        Assert.Equal((120L, 80L), (settled.Debited, settled.Available));

        var other = await Credits.ReserveAsync(customer, 30);
        Assert.Equal(50, other.Available);
        Assert.Equal(80, (await Credits.ReleaseAsync(customer, other.ReservationId!.Value)).Available);
        Assert.Equal(80, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task A_customer_is_registered_and_read_back_and_an_unknown_one_reads_as_null()
    {
        var fresh = NewCustomer("client-fresh");
        var registered = NewCustomer("client-registered");
        await Rows.WriteActiveAsync(registered, "hobby", "cus_" + registered);

        var accepted = await Credits.RegisterCustomerAsync(fresh, email: "ada@example.com", name: "Ada", planId: "hobby");
        var again = await Credits.RegisterCustomerAsync(registered, planId: "pro");

        Assert.Equal((true, CustomerStates.Registering), (accepted.Accepted, accepted.State));
        Assert.Equal((false, CustomerStates.Active, "hobby"), (again.Accepted, again.State, again.Customer!.PlanId));
        var read = await Eventually.Get(() => Credits.GetCustomerAsync(fresh), c => c is not null, FlowTimeout, "the registration saga has the customer");
        Assert.Equal(("ada@example.com", "Ada", "hobby"), (read!.Email, read.Name, read.PlanId));
        Assert.Null(await Credits.GetCustomerAsync(NewCustomer("client-nobody")));
    }

    [Fact]
    public async Task A_plan_change_is_accepted_once_per_key_and_its_operation_is_readable()
    {
        // A downgrade waits for the period end, so it stays in flight however fast the sagas run.
        var customer = NewCustomer("client-downgrade");
        await Rows.WriteActiveAsync(customer, "pro", "cus_" + customer);

        var accepted = await Credits.ChangePlanAsync(customer, "hobby", idempotencyKey: "downgrade-1");
        var retried = await Credits.ChangePlanAsync(customer, "hobby", idempotencyKey: "downgrade-1");
        var second = await Assert.ThrowsAsync<CreditsApiException>(() => Credits.ChangePlanAsync(customer, "hobby"));

        Assert.Equal(accepted.OperationId, retried.OperationId);
        Assert.True(retried.Repeated);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(accepted.OperationId, second.Problem.Extensions["inFlightOperationId"].GetGuid());
        var operation = await Credits.GetOperationAsync(accepted.OperationId);
        Assert.Equal(("plan-change", customer, "hobby"), (operation!.Kind, operation.CustomerId, operation.PlanChange!.ToPlanId));
        Assert.False(OperationStatuses.IsFinished(operation.Status));
        Assert.Equal(accepted.OperationId, Assert.Single(await Credits.GetCustomerOperationsAsync(customer)).OperationId);
        Assert.Equal(accepted.OperationId, Assert.Single(await Credits.ListOperationsAsync(customer)).OperationId);
        Assert.Null(await Credits.GetOperationAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_top_up_is_accepted_with_a_checkout_url_to_send_the_customer_to()
    {
        var customer = NewCustomer("client-top-up");
        var stripeCustomer = await new Stripe.CustomerService(system.Stripe.CreateClient())
            .CreateAsync(new Stripe.CustomerCreateOptions { Email = "t@example.com" });
        await Rows.WriteActiveAsync(customer, "hobby", stripeCustomer.Id);

        var purchase = await Credits.PurchaseCreditsAsync(customer, "small", idempotencyKey: "buy-1");
        var retried = await Credits.PurchaseCreditsAsync(customer, "small", idempotencyKey: "buy-1");

        Assert.Equal(purchase.PurchaseId, retried.PurchaseId);
        Assert.True(retried.Repeated);
        // The Gateway waits a few seconds for Stripe's session; on a busy machine the operation has the URL later.
        var url = purchase.CheckoutUrl ?? (await Eventually.Get(() => Credits.GetOperationAsync(purchase.PurchaseId),
            o => o?.TopUp?.CheckoutUrl is not null, FlowTimeout, "Stripe has the Checkout session"))!.TopUp!.CheckoutUrl;
        Assert.True(Uri.IsWellFormedUriString(url, UriKind.Absolute), url);
        Assert.Equal("top-up", (await Credits.GetOperationAsync(purchase.PurchaseId))!.Kind);
    }

    [Fact]
    public async Task The_auto_top_up_is_set_and_read_back_once_the_saga_has_it()
    {
        var customer = NewCustomer("client-auto");
        await Rows.WriteActiveAsync(customer, "pro", "cus_" + customer);

        Assert.Null(await Credits.GetAutoTopUpAsync(customer));
        var configured = await Credits.ConfigureAutoTopUpAsync(customer, new AutoTopUpSettings(Enabled: true, Threshold: 100, PackId: "large"));

        Assert.Equal((true, 100L, 3000L, 2500L), (configured.Enabled, configured.Threshold, configured.Credits, configured.Amount));
        var policy = await Eventually.Get(() => Credits.GetAutoTopUpAsync(customer), p => p is not null, FlowTimeout, "the auto top-up saga has it");
        Assert.Equal((true, 100L, "large", "idle"), (policy!.Enabled, policy.Threshold, policy.PackId, policy.State));
        Assert.False(policy.Safety.Stopped);
    }

    [Fact]
    public async Task A_portal_session_is_a_link_for_the_customer()
    {
        var customer = await OpenAsync("client-portal");

        var session = await Credits.CreatePortalSessionAsync(customer);

        Assert.StartsWith(system.Gateway.BaseAddress.ToString().TrimEnd('/') + "/portal?token=", session.Url);
        Assert.True(session.ExpiresAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Refusals_are_exceptions_with_the_problem_details_and_its_errors_and_never_the_api_key()
    {
        var customer = await OpenAsync("client-problems");

        var malformed = await Assert.ThrowsAsync<CreditsApiException>(() => Credits.RecordUsageAsync(
            [UsageEvent.InUnits("ok", customer, 1_000, "input-token", "gpt-4o"), UsageEvent.InUnits("fine", customer, 1.0000001m, "input-token", "gpt-4o")]));
        var member = await Assert.ThrowsAsync<CreditsApiException>(() => Credits.SetMemberLimitAsync(customer, "ada", -1));
        var limit = await Assert.ThrowsAsync<CreditsApiException>(() => Credits.GetLedgerAsync(customer, limit: 0));
        var unknown = await Assert.ThrowsAsync<CreditsApiException>(() => Credits.CheckEntitlementAsync("nobody-" + customer, 1));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("decimal places", malformed.Errors["events[1].quantity"][0]);
        Assert.Equal("Invalid usage events", malformed.Problem.Title);
        Assert.True(member.Errors.ContainsKey("limitPerPeriod"));
        Assert.Equal((400, "Invalid limit"), (limit.Problem.Status!.Value, limit.Problem.Title));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("/entitlement answered 404 Unknown customer", unknown.Message);
        Assert.Null(await Credits.GetBalanceAsync("nobody-" + customer));
        Assert.All(new[] { malformed, member, limit, unknown }, e => Assert.DoesNotContain(SystemUnderTest.ApiKey, e.ToString()));
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
    }
}
