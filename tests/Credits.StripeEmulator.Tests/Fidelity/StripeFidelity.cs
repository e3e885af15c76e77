using Credits.StripeEmulator.Control;
using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

/// <summary>
/// The Stripe-facing suite: every call through Stripe.net, every returned object compared with
/// Stripe's published example. It runs against the emulator and, with STRIPE_TEST_SECRET_KEY set,
/// against real Stripe test mode (the same tests; see the two classes at the bottom).
/// </summary>
public abstract partial class StripeFidelity(StripeTarget target)
{
    protected StripeTarget Target { get; } = target;

    protected StripeClient Client => Target.Client;

    protected EmulatorControlClient Control => (Target.Emulator ?? throw new InvalidOperationException("Emulator-only test")).Control;

    protected void AssertShapedLike(IStripeEntity entity, string objectType) =>
        StripeFixtures.AssertShapedLike(StripeFixtures.Raw(entity), objectType, exact: Target.IsEmulator);

    protected void AssertShapedLike(System.Text.Json.Nodes.JsonObject raw, string objectType) =>
        StripeFixtures.AssertShapedLike(raw, objectType, exact: Target.IsEmulator);

    protected Task<Customer> CustomerWithCardAsync(string card = "pm_card_visa", string? testClock = null) =>
        Client.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = $"{Target.Unique}@example.com",
            PaymentMethod = card,
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = card },
            TestClock = testClock,
        });

    /// <summary>Attaches a test card and makes it the customer's default for invoices.</summary>
    protected async Task SwitchCardAsync(Customer customer, string card)
    {
        var pm = await Client.V1.PaymentMethods.AttachAsync(card, new PaymentMethodAttachOptions { Customer = customer.Id });
        await Client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = pm.Id },
        });
    }

    /// <summary>A Pro-like catalog: a flat monthly fee and a metered overage price on a sum meter.</summary>
    protected async Task<(Price Flat, Price Metered, Stripe.Billing.Meter Meter)> CatalogAsync(long flatAmount = 2000)
    {
        var product = await Client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Pro " + Target.Unique });
        var meter = await Client.V1.Billing.Meters.CreateAsync(new Stripe.Billing.MeterCreateOptions
        {
            DisplayName = "Overage credits",
            EventName = "credits_overage_" + Guid.NewGuid().ToString("n")[..12],
            DefaultAggregation = new Stripe.Billing.MeterDefaultAggregationOptions { Formula = "sum" },
            CustomerMapping = new Stripe.Billing.MeterCustomerMappingOptions { EventPayloadKey = "stripe_customer_id", Type = "by_id" },
            ValueSettings = new Stripe.Billing.MeterValueSettingsOptions { EventPayloadKey = "value" },
        });
        var flat = await Client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "usd", UnitAmount = flatAmount,
            Recurring = new PriceRecurringOptions { Interval = "month" },
        });
        var metered = await Client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = product.Id, Currency = "usd", UnitAmount = 5,
            Recurring = new PriceRecurringOptions { Interval = "month", UsageType = "metered", Meter = meter.Id },
        });
        return (flat, metered, meter);
    }
}

public sealed class Against_the_emulator(EmulatorTarget target) : StripeFidelity(target), IClassFixture<EmulatorTarget>;

public sealed class Against_real_Stripe(RealStripeTarget target) : StripeFidelity(target), IClassFixture<RealStripeTarget>, IRunsAgainstRealStripe;
