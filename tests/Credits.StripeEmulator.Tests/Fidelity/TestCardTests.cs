using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

/// <summary>Stripe's test cards (https://docs.stripe.com/testing#declined-payments): where each one fails.</summary>
public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task Declining_test_cards_fail_already_at_attach_and_chargeCustomerFail_attaches_and_fails_at_charge()
    {
        var customer = await Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"{Target.Unique}@example.com" });

        var generic = await Assert.ThrowsAsync<StripeException>(() =>
            Client.V1.PaymentMethods.AttachAsync("pm_card_chargeDeclined", new PaymentMethodAttachOptions { Customer = customer.Id }));
        var funds = await Assert.ThrowsAsync<StripeException>(() =>
            Client.V1.PaymentMethods.AttachAsync("pm_card_chargeDeclinedInsufficientFunds", new PaymentMethodAttachOptions { Customer = customer.Id }));
        var atCreation = await Assert.ThrowsAsync<StripeException>(() => CustomerWithCardAsync("pm_card_chargeDeclined"));

        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, generic.HttpStatusCode);
        Assert.Equal(("card_error", "card_declined", "generic_decline"), (generic.StripeError.Type, generic.StripeError.Code, generic.StripeError.DeclineCode));
        Assert.Equal(("card_declined", "insufficient_funds"), (funds.StripeError.Code, funds.StripeError.DeclineCode));
        Assert.Equal("card_declined", atCreation.StripeError.Code);
        Assert.Empty((await Client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer.Id })).Data);

        var saved = await CustomerWithCardAsync("pm_card_chargeCustomerFail");
        var card = await Client.V1.PaymentMethods.GetAsync(saved.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(("0341", saved.Id), (card.Card.Last4, card.CustomerId));
        var declined = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(saved));
        Assert.Equal(("card_error", "card_declined"), (declined.StripeError.Type, declined.StripeError.Code));
        Assert.Equal("requires_payment_method", declined.StripeError.PaymentIntent.Status);
    }

    [StripeFact]
    public async Task A_three_d_secure_2_card_attaches_and_requires_action_on_session_and_authentication_off_session()
    {
        var customer = await CustomerWithCardAsync("pm_card_threeDSecure2Required");

        var offSession = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(customer));
        var onSession = await Client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1500, Currency = "usd", Customer = customer.Id,
            PaymentMethod = customer.InvoiceSettings.DefaultPaymentMethodId, Confirm = true,
        });

        Assert.Equal("authentication_required", offSession.StripeError.Code);
        Assert.Equal("requires_action", onSession.Status);
    }
}
