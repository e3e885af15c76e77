using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;
using Stripe.Checkout;

namespace Credits.StripeEmulator.Tests.Fidelity;

// An unpaid renewal and how the customer recovers, as Stripe documents it: https://docs.stripe.com/billing/subscriptions/webhooks
// (invoice.payment_action_required when the card needs authentication, invoice.payment_failed), Smart Retries
// (https://docs.stripe.com/billing/revenue-recovery/smart-retries), and a new card saved through Checkout in setup mode
// then used to pay the open invoice (https://docs.stripe.com/api/invoices/pay).
public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task A_renewal_on_a_card_that_needs_authentication_waits_for_the_customer_and_the_subscription_goes_past_due()
    {
        var (clock, customer, subscription, _, periodEnd) = await SubscribedOnAClockAsync();
        await SwitchCardAsync(customer, "pm_card_authenticationRequired");

        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));

        var pastDue = await Eventually.Get(() => Client.V1.Subscriptions.GetAsync(subscription.Id), s => s.Status == "past_due", Patience);
        var invoice = await Client.V1.Invoices.GetAsync(pastDue.LatestInvoiceId);
        Assert.Equal(("open", "subscription_cycle"), (invoice.Status, invoice.BillingReason));
        var intent = (await Client.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Customer = customer.Id, Limit = 1 })).Data.Single();
        Assert.Equal(("requires_action", invoice.AmountDue), (intent.Status, intent.Amount));
        foreach (var type in new[] { "invoice.payment_action_required", EventTypes.InvoicePaymentFailed })
            await Eventually.True(() => HasInvoiceEventAsync(type, invoice.Id), Patience, $"{type} for the renewal invoice");
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task A_past_due_customer_saves_a_new_card_through_checkout_and_paying_the_open_invoice_with_it_restores_the_subscription()
    {
        var (clock, customer, subscription, _, periodEnd) = await SubscribedOnAClockAsync();
        await SwitchCardAsync(customer, "pm_card_chargeCustomerFail");
        await AdvanceAndWaitAsync(clock.Id, periodEnd.AddHours(2));
        var pastDue = await Eventually.Get(() => Client.V1.Subscriptions.GetAsync(subscription.Id), s => s.Status == "past_due", Patience);

        var session = await Client.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "setup", Currency = "usd", Customer = customer.Id, SuccessUrl = "https://example.com/card-saved",
        });
        await Control.CheckoutAsync(session.Id, "complete");
        var card = (await Client.V1.SetupIntents.GetAsync(session.SetupIntentId)).PaymentMethodId;
        await Client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { InvoiceSettings = new() { DefaultPaymentMethod = card } });
        var paid = await Client.V1.Invoices.PayAsync(pastDue.LatestInvoiceId);

        Assert.Equal("paid", paid.Status);
        Assert.Equal("active", (await Client.V1.Subscriptions.GetAsync(subscription.Id)).Status);
        var charge = (await Client.V1.Charges.ListAsync(new ChargeListOptions { Customer = customer.Id, Limit = 1 })).Data.Single();
        Assert.Equal((card, paid.AmountPaid), (charge.PaymentMethod, charge.Amount));
    }
}
