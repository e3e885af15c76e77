using Credits.Billing.StripeAdapter;
using Credits.Billing.Tests.Support;
using FaultRule = Credits.StripeEmulator.Http.FaultRule;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Billing.Tests.Adapter;

/// <summary>Idempotency keys, transient retries and permanent failures, against the emulator's injected faults.</summary>
public sealed class StripeCallsTests(BillingServices billing) : IClassFixture<BillingServices>, IDisposable
{
    StripeCalls Calls => billing.Services.GetRequiredService<StripeCalls>();

    [Fact]
    public async Task A_write_whose_answer_was_lost_creates_one_object()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        billing.Faults.Add(new FaultRule { Method = "POST", Path = "/v1/customers", Status = 500, AfterExecution = true, Times = 1 });

        var result = await Calls.WriteAsync("create customer", IdempotencyKeys.For("register-customer", email, "create"),
            (c, o, t) => c.V1.Customers.CreateAsync(new() { Email = email }, o, t));

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Single((await billing.Stripe.V1.Customers.ListAsync(new() { Email = email })).Data);
    }

    [Fact]
    public async Task A_repeated_business_operation_returns_the_first_object()
    {
        var key = IdempotencyKeys.For("top-up", Guid.NewGuid(), "create-customer");
        var first = await Calls.WriteAsync("create customer", key, (c, o, t) => c.V1.Customers.CreateAsync(new() { Name = "a" }, o, t));
        var again = await Calls.WriteAsync("create customer", key, (c, o, t) => c.V1.Customers.CreateAsync(new() { Name = "a" }, o, t));

        Assert.Equal(first.Value!.Id, again.Value!.Id);
    }

    [Fact]
    public async Task Rate_limited_writes_are_retried_with_backoff()
    {
        // Stripe.net does not retry 429; StripeCalls does (Stripe:TransientRetries = 2 in the tests).
        billing.Faults.Add(new FaultRule { Method = "POST", Path = "/v1/products", Status = 429, Times = 2 });

        var result = await Calls.WriteAsync("create product", IdempotencyKeys.For("test", Guid.NewGuid(), "product"),
            (c, o, t) => c.V1.Products.CreateAsync(new() { Name = "rate limited" }, o, t));

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task Transient_errors_that_outlast_the_retries_come_back_as_a_transient_failure()
    {
        billing.Faults.Add(new FaultRule { Method = "POST", Path = "/v1/products", Status = 503 });

        var result = await Calls.WriteAsync("create product", IdempotencyKeys.For("test", Guid.NewGuid(), "product"),
            (c, o, t) => c.V1.Products.CreateAsync(new() { Name = "down" }, o, t));

        Assert.False(result.Succeeded);
        Assert.True(result.Failure!.Transient);
    }

    [Fact]
    public async Task A_declined_card_is_a_permanent_failure_and_is_not_retried()
    {
        var customer = await billing.Stripe.V1.Customers.CreateAsync(new() { Name = "declined" });
        // One decline only: a retry would succeed, so success here would mean it was retried.
        billing.Faults.Add(new FaultRule { Method = "POST", Path = "/v1/payment_intents", Status = 402, Code = "card_declined", Times = 1 });

        var result = await Calls.WriteAsync("charge", IdempotencyKeys.For("top-up", Guid.NewGuid(), "charge"),
            (c, o, t) => c.V1.PaymentIntents.CreateAsync(new()
            {
                Amount = 500, Currency = "usd", Customer = customer.Id, PaymentMethod = "pm_card_visa", Confirm = true, OffSession = true,
            }, o, t));

        Assert.False(result.Succeeded);
        Assert.False(result.Failure!.Transient);
        Assert.True(result.Failure.CardError);
        Assert.Equal("card_declined", result.Failure.Code);
    }

    [Fact]
    public async Task A_validation_error_is_permanent()
    {
        var result = await Calls.WriteAsync("create price", IdempotencyKeys.For("test", Guid.NewGuid(), "price"),
            (c, o, t) => c.V1.Prices.CreateAsync(new() { Currency = "usd", UnitAmount = 100 }, o, t));

        Assert.False(result.Succeeded);
        Assert.False(result.Failure!.Transient);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, result.Failure.Status);
    }

    public void Dispose() => billing.Faults.Clear();
}
