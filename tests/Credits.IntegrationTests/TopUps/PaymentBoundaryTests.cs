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
public class PaymentBoundaryTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
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
}
