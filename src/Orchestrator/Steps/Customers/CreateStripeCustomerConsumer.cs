using Credits.Billing;
using Credits.Billing.Catalog;
using Credits.Billing.Customers;
using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using MassTransit;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.TestHelpers;

namespace Credits.Orchestrator.Steps.Customers;

/// <summary>
/// Registration step 1: the Stripe customer. Once per app customer for ever: the saga's idempotency key
/// covers retries within Stripe's 24-hour key window, the stripe_customers link covers a redelivery after it.
/// </summary>
public sealed class CreateStripeCustomerConsumer(StripeCalls stripe, StripeCustomerLinks links, IOptions<CatalogOptions> catalog,
    IOptions<StripeOptions> stripeOptions) : IConsumer<CreateStripeCustomer>
{
    public async Task Consume(ConsumeContext<CreateStripeCustomer> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var stripeCustomerId = (await links.FindAsync(m.CustomerId, ct))?.StripeCustomerId;
        if (stripeCustomerId is null)
        {
            var options = new CustomerCreateOptions
            {
                Email = m.Email,
                Name = m.Name,
                Metadata = new() { [StripeSubscriptions.CustomerIdMetadata] = m.CustomerId },
                TestClock = await TestClockAsync(context),
            };
            var customer = (await stripe.WriteAsync("create customer", m.IdempotencyKey,
                (c, o, t) => c.V1.Customers.CreateAsync(options, o, t), ct)).GetValueOrThrow();
            stripeCustomerId = customer.Id;
            await links.LinkAsync(m.CustomerId, stripeCustomerId, ct: ct);
        }
        await context.Publish(new StripeCustomerCreated { CorrelationId = m.CorrelationId, StripeCustomerId = stripeCustomerId }, ct);
    }

    /// <summary>
    /// With Catalog:TestClockPerCustomer (test keys only), a test clock frozen at the command's sent time, so
    /// the create is the same request on every retry and Stripe's idempotency key replays it.
    /// </summary>
    async Task<string?> TestClockAsync(ConsumeContext<CreateStripeCustomer> context)
    {
        if (!catalog.Value.TestClockPerCustomer) return null;
        if (!stripeOptions.Value.SecretKey.StartsWith("sk_test_", StringComparison.Ordinal))
            throw new InvalidOperationException("Catalog:TestClockPerCustomer needs a test-mode key (sk_test_...)");
        var m = context.Message;
        var frozen = (context.SentTime ?? DateTime.UtcNow).ToUniversalTime();
        var options = new TestClockCreateOptions { FrozenTime = frozen.AddTicks(-(frozen.Ticks % TimeSpan.TicksPerSecond)), Name = m.CustomerId };
        var clock = (await stripe.WriteAsync("create test clock", m.IdempotencyKey + ":test-clock",
            (c, o, t) => c.V1.TestHelpers.TestClocks.CreateAsync(options, o, t), context.CancellationToken)).GetValueOrThrow();
        return clock.Id;
    }
}
