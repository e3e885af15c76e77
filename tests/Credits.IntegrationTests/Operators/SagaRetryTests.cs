using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Sagas;
using Credits.IntegrationTests.Stalls;
using Credits.Ledger.Model;
using Credits.Persistence.Operators;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;
using Xunit.Abstractions;

namespace Credits.IntegrationTests.Operators;

/// <summary>
/// An operator retries a failed saga step on the real system: a paid upgrade whose credits the ledger refused through
/// every retry and redelivery (GrantFailed) is retried with POST /console/api/sagas/{id}/retry once the ledger works,
/// and completes with its credits granted once. After: the saga, the ledger entries, the balance, the books, Stripe's
/// items and invoice, the customer's plan, and the operator log.
/// </summary>
public class SagaRetryTests(ShortRedeliverySystem system, ITestOutputHelper output) : IClassFixture<ShortRedeliverySystem>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync() => _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static Task<HttpResponseMessage> RetryAsync(HttpClient http, Guid sagaId, object body) =>
        http.PostAsJsonAsync($"/console/api/sagas/{sagaId}/retry", body);

    async Task<PlanChangeState> EndsAsync(Guid operation, params string[] states) =>
        (await Eventually.Get(() => Flows.PlanChangeAsync(operation), p => p is not null && states.Contains(p.CurrentState),
            TimeSpan.FromSeconds(150), $"plan change {operation} ends {string.Join(" or ", states)}"))!;

    [Fact]
    public async Task A_paid_upgrade_whose_grant_failed_is_retried_by_an_operator_and_completes_with_its_credits_once()
    {
        var customer = await Flows.RegisterAsync(SagaFlows.NewCustomerId("retry"));
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(customer.CustomerId), a => a == 200);
        await StallFaults.BlockPlanChangeLedgerWritesAsync(system, customer.CustomerId);
        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        var failed = await EndsAsync(operation, "GrantFailed", "Completed", "Failed", "CompensationFailed");
        Assert.Equal("GrantFailed", failed.CurrentState);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer.CustomerId));
        using var http = system.Client();

        // Who and why are required; the cause fixed, the operator retries.
        Assert.Equal(HttpStatusCode.BadRequest, (await RetryAsync(http, operation, new { reason = "ledger fixed" })).StatusCode);
        await StallFaults.UnblockLedgerAsync(system, customer.CustomerId);
        var response = await RetryAsync(http, operation, new { reason = "ledger fixed", @operator = "alice" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var change = await EndsAsync(operation, "Completed");
        output.WriteLine(change.Steps);
        Assert.Contains("retry by alice via integration-tests: ledger fixed", change.Steps);
        Assert.Equal(failed.FailedGrantAllowance, change.CreditsGranted);
        Assert.InRange(change.CreditsGranted, 4_990, 5_000);
        // The ledger: the upgrade's grant once, under its key; the balance and the books.
        await using (var db = system.Accounts.NewDbContext())
        {
            var grants = await db.Set<LedgerEntry>().AsNoTracking()
                .Where(e => e.CustomerId == customer.CustomerId && e.Kind == EntryKind.Grant && e.IdempotencyKey == $"plan-change:{operation:N}:credits")
                .ToListAsync();
            Assert.Equal(change.CreditsGranted, Assert.Single(grants).Amount);
        }
        Assert.Equal(200 + change.CreditsGranted, await system.Accounts.AvailableAsync(customer.CustomerId));
        var books = await system.Accounts.BooksAsync(customer.CustomerId);
        Assert.Equal(books.SumOfEntries, books.Column);
        // Stripe: Pro's items, one paid proration invoice (nothing charged again). The customer saga takes the plan.
        await Flows.AssertItemsMatchPlanAsync(customer, "pro");
        var prorations = (await Flows.Stripe.V1.Invoices.ListAsync(new() { Subscription = customer.SubscriptionId }))
            .Data.Where(i => i.BillingReason == "subscription_update").ToList();
        Assert.Equal("paid", Assert.Single(prorations).Status);
        await Eventually.Get(() => Flows.CustomerAsync(customer.CustomerId), c => c!.PlanId == "pro" && c.PlanChangeOperationId is null,
            because: "the retried change's PlanChanged gives the customer the new plan");

        // A completed change is not retried again, and says why; nothing else is logged for it.
        var again = await RetryAsync(http, operation, new { reason = "again", @operator = "alice" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("completed", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var logged = Assert.Single(await OperatorLog.ActionsAsync(system, OperatorActionKinds.RetrySagaStep, operation.ToString()));
        Assert.Equal(("alice via integration-tests", "ledger fixed", customer.CustomerId), (logged.Actor, logged.Reason, logged.CustomerId));
        Assert.Contains("GrantFailed", logged.Details);

        Assert.Equal(HttpStatusCode.NotFound, (await RetryAsync(http, Guid.NewGuid(), new { reason = "r", @operator = "alice" })).StatusCode);
    }

    [Fact]
    public async Task A_purchase_whose_grant_stalled_is_redriven_from_the_step_error_queue_and_completes_with_its_credits_once()
    {
        var customer = await Flows.RegisterAsync(SagaFlows.NewCustomerId("stalled-grant"));
        await Flows.SaveCardAsync(customer.StripeCustomerId!);
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(customer.CustomerId), a => a == 200);
        await StallFaults.BlockLedgerWritesAsync(system, customer.CustomerId, "credits:top-up:%");

        // Paid by the saved card; the grant fails through its retries and redeliveries and waits in its error queue.
        var purchase = await Flows.PurchaseAsync(customer, 500, 1000, savedCard: true);
        await Eventually.Get(() => StallFaults.BlockedAttemptsAsync(system, customer.CustomerId), n => n == 16, TimeSpan.FromSeconds(120),
            "the grant is tried 4 x (1 + 3 redeliveries) times");
        using var http = system.Client();
        const string queue = "grant-purchased-credits_error";
        var letter = await Eventually.Get(async () =>
            {
                var report = await http.GetFromJsonAsync<JsonElement>("/console/api/dead-letters");
                return report.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == queue)
                    .GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("body").GetString()!.Contains(purchase.ToString()))
                    .Select(m => (JsonElement?)m).FirstOrDefault();
            }, m => m is not null, because: "the grant's command waits in its error queue");
        Assert.Contains("injected fault", letter!.Value.GetProperty("reason").GetString());
        Assert.Equal("Granting", (await Flows.TopUpAsync(purchase))!.CurrentState);
        Assert.Equal(200, await system.Accounts.AvailableAsync(customer.CustomerId));

        // The cause fixed, the operator moves the command back: it runs again under its key and the purchase completes.
        await StallFaults.UnblockLedgerAsync(system, customer.CustomerId);
        var response = await http.PostAsJsonAsync($"/console/api/dead-letters/{queue}/redrive",
            new { messageId = letter.Value.GetProperty("messageId").GetString(), reason = "ledger trigger removed", @operator = "carol" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var moved = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").EnumerateArray());
        Assert.Equal("grant-purchased-credits", moved.GetProperty("queue").GetString());

        await Flows.TopUpInStateAsync(purchase, "Completed");
        Assert.Equal(700, await system.Accounts.AvailableAsync(customer.CustomerId));
        await using (var db = system.Accounts.NewDbContext())
        {
            var key = TopUpStateMachine.GrantKey(purchase);
            var grants = await db.Set<LedgerEntry>().AsNoTracking()
                .Where(e => e.CustomerId == customer.CustomerId && e.Kind == EntryKind.Grant && e.IdempotencyKey == key).ToListAsync();
            Assert.Equal(500, Assert.Single(grants).Amount);
        }
        var books = await system.Accounts.BooksAsync(customer.CustomerId);
        Assert.Equal(books.SumOfEntries, books.Column);
        // Stripe charged once: the redrive repeated the ledger step, never the payment.
        var payments = await Flows.Stripe.V1.PaymentIntents.ListAsync(new() { Customer = customer.StripeCustomerId });
        Assert.Equal(1000, Assert.Single(payments.Data, p => p.Status == "succeeded").Amount);
        // The management API's counts lag by a few seconds.
        await Eventually.Get(() => system.Infrastructure.VirtualHost.QueueDepthAsync(queue), d => d == 0, because: "the command left its error queue");
        var logged = Assert.Single(await OperatorLog.ActionsAsync(system, OperatorActionKinds.RedriveDeadLetters, queue),
            a => a.Actor == "carol via integration-tests");
        Assert.Equal("ledger trigger removed", logged.Reason);
        Assert.Contains(purchase.ToString(), logged.Details, StringComparison.OrdinalIgnoreCase);
    }
}
