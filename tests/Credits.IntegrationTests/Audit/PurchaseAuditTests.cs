using Credits.Billing.Audit;
using Credits.Contracts.Billing;
using Credits.Contracts.TopUps;
using Credits.IntegrationTests.Sagas;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Testing;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Audit;

/// <summary>
/// The money audit's purchase check on the real system (docs/audit/payments.md): a purchase paid while its webhooks
/// never reach Credits, a purchase grant with no payment, a payment of a purchase nobody asked for, a purchase paid a
/// different amount, and a clean purchase. The bad thing is done behind Credits' back (in the emulator, or in the
/// ledger directly); the audit runs as the operator's command; the tests check the stored differences and the books.
/// </summary>
public class PurchaseAuditTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);
    AuditBooks Audit => new(system);

    public async Task InitializeAsync()
    {
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);
        // Failed webhooks are retried on Stripe's schedule in quarter seconds while the Gateway is down, and at once when it
        // is back (SystemUnderTest.WithGatewayDownAsync).
        await system.Stripe.Control.ConfigureAsync(new { webhookRetryDelayMs = 250 });
    }

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_checkout_paid_while_its_webhooks_are_lost_is_granted_once_by_the_audit_and_the_late_saga_adds_nothing()
    {
        var id = SagaFlows.NewCustomerId("audit-lost-webhook");
        var customer = await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        var sessionId = (await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CheckoutSessionId is not null, SagaFlows.StepTimeout))!
            .CheckoutSessionId!;
        var key = PurchaseKeys.Grant(purchase);
        var paymentIntentId = "";

        await system.WithGatewayDownAsync(async () =>
        {
            // The customer pays; checkout.session.completed and payment_intent.succeeded cannot reach Credits.
            await system.Stripe.Control.CheckoutAsync(sessionId, "complete");
            paymentIntentId = (await Flows.Stripe.V1.Checkout.Sessions.GetAsync(sessionId)).PaymentIntentId;
            Assert.Equal("succeeded", (await Flows.Stripe.V1.PaymentIntents.GetAsync(paymentIntentId)).Status);
            Assert.Equal("AwaitingPayment", (await Flows.TopUpAsync(purchase))!.CurrentState);
            Assert.Equal(200, await system.Accounts.AvailableAsync(id));

            var run = await Audit.RunAsync();

            Assert.Equal((AuditRunStatus.Completed, null), (run.Status, run.Error));
            var difference = Assert.Single(await Audit.DifferencesAsync(id));
            Assert.Equal((AuditKinds.PurchaseWithoutGrant, paymentIntentId, AuditDifferenceStatus.Repaired),
                (difference.Kind, difference.Subject, difference.Status));
            Assert.Contains($"granted 500 credits for {paymentIntentId} under {key}", difference.Repair);
            var evidence = AuditBooks.Evidence(difference);
            Assert.Contains(paymentIntentId, evidence.StripeIds);
            Assert.Equal([key], evidence.LedgerKeys);
            Assert.Equal("500 usd", evidence.Figures["paid"]);
            // The books: one grant under the saga's own key, the balance up once.
            var grant = Assert.Single(await Audit.PurchaseGrantEntriesAsync(id));
            Assert.Equal((key, 500L), (grant.Key, grant.Credits));
            Assert.Equal(700, await system.Accounts.AvailableAsync(id));
        });

        // Stripe's retried webhooks reach the saga now: it grants under the same key, which the ledger answers as a
        // duplicate, and completes.
        var completed = await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CurrentState == "Completed", TimeSpan.FromMinutes(4),
            "the late webhook completes the purchase");
        Assert.Equal(paymentIntentId, completed!.PaymentIntentId);
        await Task.Delay(1000);
        Assert.Equal(key, Assert.Single(await Audit.PurchaseGrantEntriesAsync(id)).Key);
        Assert.Equal(700, await system.Accounts.AvailableAsync(id));

        // A second run finds nothing: the difference stays repaired (found again it would be repair_failed), nothing new.
        var second = await Audit.RunAsync();
        Assert.Equal((0, 0), (second.New, second.Repaired));
        var after = Assert.Single(await Audit.DifferencesAsync(id));
        Assert.Equal(AuditDifferenceStatus.Repaired, after.Status);
        Assert.Single(await Audit.PurchaseGrantEntriesAsync(id));
        Assert.Equal(700, await system.Accounts.AvailableAsync(id));
        var books = await system.Accounts.BooksAsync(id);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    [Fact]
    public async Task A_purchase_grant_with_no_payment_is_stored_once_with_its_entry_and_not_repaired()
    {
        var id = SagaFlows.NewCustomerId("audit-unpaid-grant");
        await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // Behind Credits' back: a purchase grant written straight into the ledger, for a purchase nobody paid.
        var key = PurchaseKeys.Grant(Guid.NewGuid());
        var written = await system.Accounts.ApplyAsync(new GrantCredits
        {
            CustomerId = id, IdempotencyKey = key, Credits = 300, Source = GrantSource.Purchase, Note = "written behind Credits' back",
        });
        Assert.True(written.Succeeded);
        var entry = Assert.Single(await Audit.PurchaseGrantEntriesAsync(id));
        await using var bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(AuditDifferenceFound));

        await Audit.RunAsync();
        var found = Assert.Single(await Audit.DifferencesAsync(id));
        await Audit.RunAsync();
        // Published once, through the audit's outbox (the running Orchestrator delivers it), however many runs see it.
        await Eventually.Get(() => Task.FromResult(bus.Received<AuditDifferenceFound>().Where(e => e.CustomerId == id).ToList()),
            e => e.Count >= 1, because: "the new difference is published");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second publication, if the second run made one, would be here by now
        var single = Assert.Single(bus.Received<AuditDifferenceFound>(), e => e.CustomerId == id);
        Assert.Equal((found.Id, AuditKinds.GrantWithoutPayment, key, AuditDifferenceStatus.Open), (single.DifferenceId, single.Kind, single.Subject, single.Status));

        var again = Assert.Single(await Audit.DifferencesAsync(id));
        Assert.Equal((found.Id, AuditKinds.GrantWithoutPayment, key, AuditDifferenceStatus.Open), (again.Id, again.Kind, again.Subject, again.Status));
        Assert.True(again.LastSeenAt > found.LastSeenAt, "the second run saw it again");
        Assert.Null(again.Repair);
        var evidence = AuditBooks.Evidence(again);
        Assert.Equal([entry.Id], evidence.LedgerEntryIds);
        Assert.Equal("300", evidence.Figures["credits_granted"]);
        Assert.Equal(500, await system.Accounts.AvailableAsync(id)); // nothing taken back on its own
    }

    [Fact]
    public async Task A_payment_naming_a_purchase_that_does_not_exist_is_reported_and_not_granted()
    {
        var id = SagaFlows.NewCustomerId("audit-no-saga");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // Behind Credits' back: a payment made directly at Stripe with purchase metadata, for no purchase of Credits.
        var intent = await ChargeDirectlyAsync(customer.StripeCustomerId!, id, Guid.NewGuid(), amount: 700);

        await Audit.RunAsync();

        var difference = Assert.Single(await Audit.DifferencesAsync(id));
        Assert.Equal((AuditKinds.PurchaseWithoutGrant, intent.Id, AuditDifferenceStatus.Open), (difference.Kind, difference.Subject, difference.Status));
        Assert.Contains("no purchase saga", difference.Actual);
        Assert.Null(difference.Repair);
        Assert.Empty(await Audit.PurchaseGrantEntriesAsync(id));
        Assert.Equal(200, await system.Accounts.AvailableAsync(id));
    }

    [Fact]
    public async Task A_purchase_paid_a_different_amount_is_reported_with_both_figures()
    {
        var id = SagaFlows.NewCustomerId("audit-amount");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CheckoutSessionId is not null, SagaFlows.StepTimeout);
        // Behind Credits' back: the purchase paid with 100 instead of its 500, directly at Stripe. The saga takes
        // Stripe's payment_intent.succeeded for its payment and grants.
        var intent = await ChargeDirectlyAsync(customer.StripeCustomerId!, id, purchase, amount: 100);
        await Flows.TopUpInStateAsync(purchase, "Completed");

        await Audit.RunAsync();

        var difference = Assert.Single(await Audit.DifferencesAsync(id));
        Assert.Equal((AuditKinds.PurchaseGrantAmount, intent.Id, AuditDifferenceStatus.Open), (difference.Kind, difference.Subject, difference.Status));
        Assert.Contains("500 credits for 500 usd", difference.Expected);
        Assert.Contains("500 credits granted for 100 usd", difference.Actual);
        var evidence = AuditBooks.Evidence(difference);
        Assert.Equal(("100 usd", "500 usd"), (evidence.Figures["paid"], evidence.Figures["purchase_amount"]));
        Assert.Single(await Audit.PurchaseGrantEntriesAsync(id));
    }

    [Fact]
    public async Task A_clean_purchase_gives_no_difference()
    {
        var id = SagaFlows.NewCustomerId("audit-clean");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 1000, savedCard: true);
        Assert.Equal("Completed", (await Flows.TopUpInStateAsync(purchase, "Completed", "Cancelled")).CurrentState);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700);

        var run = await Audit.RunAsync();

        Assert.Equal((AuditRunStatus.Completed, null), (run.Status, run.Error));
        Assert.Empty(await Audit.DifferencesAsync(id));
        Assert.Equal(700, await system.Accounts.AvailableAsync(id));
    }

    /// <summary>An off-session charge of the customer's saved card made at Stripe, outside Credits, with purchase metadata.</summary>
    async Task<PaymentIntent> ChargeDirectlyAsync(string stripeCustomerId, string customerId, Guid purchaseId, long amount)
    {
        var card = (await Flows.Stripe.V1.Customers.GetAsync(stripeCustomerId)).InvoiceSettings.DefaultPaymentMethodId;
        var intent = await Flows.Stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = amount, Currency = "usd", Customer = stripeCustomerId, PaymentMethod = card, OffSession = true, Confirm = true,
            Metadata = new() { [PurchaseKeys.PurchaseIdMetadata] = purchaseId.ToString(), ["customer_id"] = customerId },
        });
        Assert.Equal("succeeded", intent.Status);
        return intent;
    }
}
