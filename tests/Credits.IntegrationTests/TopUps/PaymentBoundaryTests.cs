using System.Net.Http.Json;
using Credits.IntegrationTests.Sagas;
using Credits.Persistence;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.TopUps;

/// <summary>
/// Top-ups at the edges of payment (docs/boundaries/payments.md), on the real system: a declined card on the
/// Checkout page, a payment after the saga gave up, a refund while credits are granted, a dispute. Each test
/// checks the books: the ledger's entries and balance, Stripe's objects through Stripe.net, the saga's state.
/// </summary>
public class PaymentBoundaryTests(PaymentBoundaryTests.ShortAbandonSystem system) : IClassFixture<PaymentBoundaryTests.ShortAbandonSystem>, IAsyncLifetime
{
    /// <summary>Purchases are abandoned after 20 seconds, so a test can watch the saga give up.</summary>
    public sealed class ShortAbandonSystem : SystemUnderTest
    {
        public static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(20);

        protected override void Configure(Dictionary<string, string> environment) =>
            environment["Sagas__TopUp__AbandonAfter"] = AbandonAfter.ToString("c");
    }

    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    [Fact]
    public async Task A_checkout_declined_once_and_then_paid_with_another_card_grants_its_credits()
    {
        var id = SagaFlows.NewCustomerId("decline-then-pay");
        var customer = await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        var awaiting = await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CheckoutSessionId is not null, SagaFlows.StepTimeout);
        var sessionId = awaiting!.CheckoutSessionId!;

        // The first card is declined on the page: payment_intent.payment_failed, the session stays open.
        await system.Stripe.Control.CheckoutAsync(sessionId, "decline");
        await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.LastError is not null, SagaFlows.StepTimeout, "the decline reaches the saga");
        Assert.Equal("open", (await Flows.Stripe.V1.Checkout.Sessions.GetAsync(sessionId)).Status);

        // The customer tries another card on the same page.
        await system.Stripe.Control.CheckoutAsync(sessionId, "complete");

        Assert.Equal("Completed", (await Flows.TopUpInStateAsync(purchase, "Completed", "Cancelled")).CurrentState);
        Assert.Equal((long?)700, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700));
        var session = await Flows.Stripe.V1.Checkout.Sessions.GetAsync(sessionId);
        Assert.Equal(("complete", "paid"), (session.Status, session.PaymentStatus));
        var intent = await Flows.Stripe.V1.PaymentIntents.GetAsync(session.PaymentIntentId);
        Assert.Equal(("succeeded", 500L), (intent.Status, intent.AmountReceived));
        Assert.Equal(1, await PurchaseGrantsAsync(id));
        await AssertBooksBalanceAsync(id);
    }

    [Fact]
    public async Task An_abandoned_checkout_is_expired_at_stripe_and_its_session_expires_within_stripes_bounds()
    {
        var id = SagaFlows.NewCustomerId("abandoned");
        var customer = await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        var awaiting = await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CheckoutSessionId is not null, SagaFlows.StepTimeout);
        var created = await Flows.Stripe.V1.Checkout.Sessions.GetAsync(awaiting!.CheckoutSessionId);
        // Stripe's own expiry is set (30 minutes is Stripe's floor; the abandon time here is shorter).
        Assert.InRange(created.ExpiresAt - created.Created, TimeSpan.FromMinutes(30), TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));

        var cancelled = await Flows.TopUpInStateAsync(purchase, "Cancelled", "Completed");

        Assert.Equal("Cancelled", cancelled.CurrentState);
        Assert.Contains("not paid within", cancelled.LastError);
        var session = await Eventually.Get(() => Flows.Stripe.V1.Checkout.Sessions.GetAsync(awaiting.CheckoutSessionId), s => s.Status != "open",
            SagaFlows.StepTimeout, "the session expired through Stripe");
        Assert.Equal(("expired", "unpaid"), (session.Status, session.PaymentStatus));
        Assert.Equal(200, await system.Accounts.AvailableAsync(id));
        Assert.Equal(0, await PurchaseGrantsAsync(id));
        await AssertBooksBalanceAsync(id);
    }

    [Fact]
    public async Task A_checkout_paid_after_the_saga_gave_up_grants_its_credits()
    {
        var id = SagaFlows.NewCustomerId("paid-late");
        var customer = await Flows.RegisterAsync(id);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        var awaiting = await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CheckoutSessionId is not null, SagaFlows.StepTimeout);
        var sessionId = awaiting!.CheckoutSessionId!;
        // The race: the customer is paying while Credits gives up, and Stripe refuses the expiry (the session is no longer open).
        var refuse = await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = $"/v1/checkout/sessions/{sessionId}/expire", status = 400, rate = 1 });
        try
        {
            Assert.Equal("Cancelled", (await Flows.TopUpInStateAsync(purchase, "Cancelled", "Completed")).CurrentState);
            await Task.Delay(1000); // the refused expiry has been tried

            await system.Stripe.Control.CheckoutAsync(sessionId, "complete");

            var completed = await Flows.TopUpInStateAsync(purchase, "Completed");
            Assert.Contains("paid after the purchase was cancelled", completed.LastError);
        }
        finally
        {
            await system.Stripe.Control.ClearFaultsAsync();
        }
        Assert.Equal((long?)700, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700));
        var session = await Flows.Stripe.V1.Checkout.Sessions.GetAsync(sessionId);
        Assert.Equal(("complete", "paid"), (session.Status, session.PaymentStatus));
        Assert.Equal(1, await PurchaseGrantsAsync(id));
        await AssertBooksBalanceAsync(id);
    }

    [Fact]
    public async Task A_saved_card_charge_whose_answer_is_lost_is_granted_from_stripes_payment_intent()
    {
        var id = SagaFlows.NewCustomerId("lost-answer");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // Stripe charges the card, then every answer is a 500 (as a stored 500 replayed under the idempotency key),
        // and Stripe's webhooks cannot reach Credits meanwhile (the Gateway is down): the step runs out of answers
        // long before payment_intent.succeeded arrives.
        await system.Stripe.Control.AddFaultAsync(new { method = "POST", path = "/v1/payment_intents", status = 500, rate = 1, afterExecution = true });
        var purchase = Guid.Empty;
        await system.WithGatewayDownAsync(async () =>
        {
            try
            {
                purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 1000, savedCard: true);
                await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p is not null && (p.LastError is not null || p.CurrentState != "AwaitingPayment"),
                    SagaFlows.StepTimeout, "the charge step gives up on an answer");
            }
            finally
            {
                await system.Stripe.Control.ClearFaultsAsync();
            }
        });
        // Stripe's retried webhook (sent again once the Gateway is back) or the step's own look at Stripe completes it; a
        // purchase cancelled on the lost answer stays cancelled.
        var ended = await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CurrentState is "Completed" or "Cancelled",
            TimeSpan.FromMinutes(3), "the purchase ends");
        Assert.Equal("Completed", ended!.CurrentState);
        Assert.Equal((long?)700, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700));
        var intents = (await Flows.Stripe.V1.PaymentIntents.ListAsync(new() { Customer = customer.StripeCustomerId })).Data
            .Where(p => p.Metadata.GetValueOrDefault(TopUpStateMachine.PurchaseIdMetadata) == purchase.ToString()).ToList();
        Assert.Equal("succeeded", Assert.Single(intents).Status); // charged once
        Assert.Equal(1, await PurchaseGrantsAsync(id));
        await AssertBooksBalanceAsync(id);
    }

    [Fact]
    public async Task A_dispute_freezes_the_disputed_credits_and_a_won_dispute_gives_them_back()
    {
        var (id, completed) = await Flows.PaidSavedCardPurchaseAsync("dispute-won");
        var intent = await Flows.Stripe.V1.PaymentIntents.GetAsync(completed.PaymentIntentId);

        var opened = await system.Stripe.Control.DisputeAsync(intent.LatestChargeId, amount: 500);
        Assert.Equal((long?)450, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 450, SagaFlows.StepTimeout,
            "half the purchase's 500 credits frozen"));
        Assert.Equal("Disputed", (await Flows.TopUpAsync(completed.CorrelationId))!.CurrentState);
        Assert.Equal("disputed", await OperationStatusAsync(completed.CorrelationId));

        await system.Stripe.Control.CloseDisputeAsync((string)opened["id"]!, "won");

        Assert.Equal((long?)700, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700, SagaFlows.StepTimeout,
            "the frozen credits given back"));
        var dispute = await Flows.Stripe.V1.Disputes.GetAsync((string)opened["id"]!);
        Assert.Equal(("won", 500L, intent.LatestChargeId), (dispute.Status, dispute.Amount, dispute.ChargeId));
        Assert.True((await Flows.Stripe.V1.Charges.GetAsync(intent.LatestChargeId)).Disputed);
        Assert.Equal("Completed", (await Flows.TopUpInStateAsync(completed.CorrelationId, "Completed")).CurrentState);
        await AssertBooksBalanceAsync(id);
    }

    [Fact]
    public async Task A_lost_dispute_keeps_the_disputed_credits_taken()
    {
        var (id, completed) = await Flows.PaidSavedCardPurchaseAsync("dispute-lost");
        var intent = await Flows.Stripe.V1.PaymentIntents.GetAsync(completed.PaymentIntentId);

        var opened = await system.Stripe.Control.DisputeAsync(intent.LatestChargeId);
        Assert.Equal((long?)200, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200, SagaFlows.StepTimeout,
            "all the purchase's 500 credits frozen"));
        // Closing a dispute through Stripe's API accepts it: lost.
        await Flows.Stripe.V1.Disputes.CloseAsync((string)opened["id"]!);

        var lost = await Flows.TopUpInStateAsync(completed.CorrelationId, "DisputeLost");
        Assert.Equal(("lost", 500L), (lost.DisputeStatus, lost.CreditsFrozen));
        Assert.Equal("lost", (await Flows.Stripe.V1.Disputes.GetAsync((string)opened["id"]!)).Status);
        Assert.Equal("charged-back", await OperationStatusAsync(completed.CorrelationId));
        await Task.Delay(1000);
        Assert.Equal(200, await system.Accounts.AvailableAsync(id));
        await AssertBooksBalanceAsync(id);
    }

    [Fact]
    public async Task A_refund_that_arrives_while_the_credits_are_granted_is_taken_back_after_the_grant()
    {
        var id = SagaFlows.NewCustomerId("refund-while-granting");
        var customer = await Flows.RegisterAsync(id);
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200);
        // The purchase's ledger grant takes 15 seconds (a slow database), so the refund arrives while it is being written.
        await SlowPurchaseGrantsAsync(id, seconds: 15);
        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 1000, savedCard: true);
        var granting = await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CurrentState == "Granting" && p.PaymentIntentId is not null,
            SagaFlows.StepTimeout, "the payment succeeded and the grant is being written");

        await Flows.Stripe.V1.Refunds.CreateAsync(new() { PaymentIntent = granting!.PaymentIntentId });

        var refunded = await Flows.TopUpInStateAsync(purchase, "Refunded");
        Assert.Equal(1000, refunded.AmountRefunded);
        Assert.Equal((long?)200, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 200, SagaFlows.StepTimeout,
            "the refunded purchase's credits taken back after the grant"));
        Assert.Equal(1, await PurchaseGrantsAsync(id));
        var charge = await Flows.Stripe.V1.Charges.GetAsync((await Flows.Stripe.V1.PaymentIntents.GetAsync(granting.PaymentIntentId)).LatestChargeId);
        Assert.Equal((true, 1000L), (charge.Refunded, charge.AmountRefunded));
        await AssertBooksBalanceAsync(id);
    }

    /// <summary>A trigger that makes the customer's purchase grant (its ledger entries) wait before it is written.</summary>
    async Task SlowPurchaseGrantsAsync(string customerId, int seconds)
    {
        await using var db = system.Accounts.NewDbContext();
        // The name comes from the test's own customer id (letters and digits only), never from input.
        var name = "slow_" + new string(customerId.Where(char.IsLetterOrDigit).ToArray())[^16..];
        var sql = $"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.customer_id = '{customerId}' AND NEW.idempotency_key LIKE '%top-up%grant%' THEN
                    PERFORM pg_sleep({seconds});
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON ledger_grants FOR EACH ROW EXECUTE FUNCTION {name}();
            """;
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    async Task<int> PurchaseGrantsAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM ledger_grants WHERE customer_id = {customerId} AND source = 'Purchase'").SingleAsync();
    }

    async Task AssertBooksBalanceAsync(string customerId)
    {
        var books = await system.Accounts.BooksAsync(customerId);
        Assert.Equal(books.SumOfEntries, books.Column);
    }

    /// <summary>The status /v1/operations/{id} reports to the app.</summary>
    async Task<string?> OperationStatusAsync(Guid operationId)
    {
        using var http = system.Client();
        var view = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/operations/{operationId}");
        return view.GetProperty("status").GetString();
    }
}
