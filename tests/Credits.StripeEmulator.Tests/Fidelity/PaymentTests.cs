using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    private Task<PaymentIntent> ChargeOffSessionAsync(Customer customer, long amount = 1500) =>
        Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = amount, Currency = "usd", Customer = customer.Id,
            PaymentMethod = customer.InvoiceSettings.DefaultPaymentMethodId, OffSession = true, Confirm = true,
        });

    [StripeFact]
    public async Task An_off_session_payment_with_a_saved_card_succeeds_and_can_be_refunded_in_part()
    {
        var customer = await CustomerWithCardAsync();

        var intent = await ChargeOffSessionAsync(customer);
        var refund = await Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 500 });
        var charge = await Client.V1.Charges.GetAsync(intent.LatestChargeId);

        AssertShapedLike(intent, "payment_intent");
        AssertShapedLike(refund, "refund");
        AssertShapedLike(charge, "charge");
        Assert.Equal("succeeded", intent.Status);
        Assert.Equal(1500, intent.AmountReceived);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(500, charge.AmountRefunded);
        Assert.False(charge.Refunded);
    }

    [StripeFact]
    public async Task A_declined_saved_card_answers_402_card_declined_with_the_payment_intent()
    {
        var customer = await CustomerWithCardAsync("pm_card_chargeCustomerFail");

        var error = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(customer));

        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal("card_error", error.StripeError.Type);
        Assert.Equal("card_declined", error.StripeError.Code);
        Assert.Equal("requires_payment_method", error.StripeError.PaymentIntent.Status);
    }

    [StripeFact]
    public async Task A_card_that_needs_authentication_is_declined_off_session_and_requires_action_on_session()
    {
        var customer = await CustomerWithCardAsync("pm_card_authenticationRequired");

        var offSession = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(customer));
        var onSession = await Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1500, Currency = "usd", Customer = customer.Id,
            PaymentMethod = customer.InvoiceSettings.DefaultPaymentMethodId, Confirm = true,
        });

        Assert.Equal("authentication_required", offSession.StripeError.Code);
        Assert.Equal("requires_action", onSession.Status);
    }

    [StripeFact]
    public async Task A_payment_mode_checkout_session_has_a_url_and_stripes_fields()
    {
        var customer = await CustomerWithCardAsync();

        var session = await Client.V1.Checkout.Sessions.CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "payment",
            Customer = customer.Id,
            ClientReferenceId = "top-up-" + Target.Unique,
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 1000, ProductData = new() { Name = "1,000 credits" } } }],
            SuccessUrl = "https://example.com/success?session={CHECKOUT_SESSION_ID}",
            Metadata = new Dictionary<string, string> { ["purchase"] = Target.Unique },
        });

        AssertShapedLike(session, "checkout.session");
        Assert.Equal("open", session.Status);
        Assert.Equal("unpaid", session.PaymentStatus);
        Assert.Equal(1000, session.AmountTotal);
        Assert.False(string.IsNullOrEmpty(session.Url));
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task Paying_on_the_checkout_page_completes_the_session_and_a_decline_leaves_it_open()
    {
        var customer = await CustomerWithCardAsync();
        Stripe.Checkout.SessionCreateOptions Options() => new()
        {
            Mode = "payment", Customer = customer.Id, SuccessUrl = "https://example.com/ok",
            LineItems = [new() { Quantity = 2, PriceData = new() { Currency = "usd", UnitAmount = 500, ProductData = new() { Name = "Credits" } } }],
        };
        var paid = await Client.V1.Checkout.Sessions.CreateAsync(Options());
        var declined = await Client.V1.Checkout.Sessions.CreateAsync(Options());

        var page = await Control.GetAsync(new Uri(paid.Url).PathAndQuery);
        Assert.Contains("id=\"pay\"", await page.Content.ReadAsStringAsync());
        var redirect = await Control.PostFormAsync(new Uri(paid.Url).AbsolutePath + "/pay");
        Assert.Equal("https://example.com/ok", redirect.Headers.Location?.ToString());
        await Control.CheckoutAsync(declined.Id, "decline");

        var afterPay = await Client.V1.Checkout.Sessions.GetAsync(paid.Id, new() { Expand = ["payment_intent"] });
        Assert.Equal("complete", afterPay.Status);
        Assert.Equal("paid", afterPay.PaymentStatus);
        Assert.Equal("succeeded", afterPay.PaymentIntent.Status);
        var afterDecline = await Client.V1.Checkout.Sessions.GetAsync(declined.Id, new() { Expand = ["payment_intent"] });
        Assert.Equal("open", afterDecline.Status);
        Assert.Equal("requires_payment_method", afterDecline.PaymentIntent.Status);
        var expired = await Client.V1.Checkout.Sessions.ExpireAsync(declined.Id);
        Assert.Equal("expired", expired.Status);
    }
}
