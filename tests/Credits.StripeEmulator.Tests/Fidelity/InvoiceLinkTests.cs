using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

// Invoices' hosted page and PDF, charges' receipts, and paying an invoice with a given card, as Stripe documents them:
// https://docs.stripe.com/invoicing/hosted-invoice-page, https://docs.stripe.com/api/invoices/object#invoice_object-hosted_invoice_url,
// https://docs.stripe.com/api/charges/object#charge_object-receipt_url, https://docs.stripe.com/api/invoices/pay#pay_invoice-payment_method.
public abstract partial class StripeFidelity
{
    /// <summary>A subscription whose first invoice the customer's saved card (0341) declined: incomplete, its invoice open.</summary>
    private async Task<(Customer Customer, Subscription Subscription, Invoice Invoice)> UnpaidFirstInvoiceAsync()
    {
        var customer = await CustomerWithCardAsync("pm_card_chargeCustomerFail");
        var (flat, _, _) = await CatalogAsync(flatAmount: 2500);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = flat.Id, Quantity = 1 }], PaymentBehavior = "allow_incomplete",
        });
        return (customer, subscription, await Client.V1.Invoices.GetAsync(subscription.LatestInvoiceId));
    }

    private async Task<Charge> LatestChargeAsync(string customer) =>
        (await Client.V1.Charges.ListAsync(new ChargeListOptions { Customer = customer, Limit = 1 })).Data.Single();

    [StripeFact]
    public async Task A_finalized_invoice_links_its_hosted_page_and_pdf_and_a_paid_charge_its_receipt()
    {
        var customer = await CustomerWithCardAsync();
        var (flat, _, _) = await CatalogAsync();

        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = flat.Id, Quantity = 1 }],
        });
        var invoice = await Client.V1.Invoices.GetAsync(subscription.LatestInvoiceId);
        var charge = await LatestChargeAsync(customer.Id);

        Assert.Equal("paid", invoice.Status);
        Assert.StartsWith("http", invoice.HostedInvoiceUrl);
        Assert.StartsWith("http", invoice.InvoicePdf);
        Assert.Equal(("succeeded", 2000L), (charge.Status, charge.Amount));
        Assert.StartsWith("http", charge.ReceiptUrl);
    }

    [StripeFact]
    public async Task Paying_an_invoice_with_a_payment_method_charges_that_card_not_the_customers_default()
    {
        var (customer, subscription, invoice) = await UnpaidFirstInvoiceAsync();
        var visa = await Client.V1.PaymentMethods.AttachAsync("pm_card_visa", new PaymentMethodAttachOptions { Customer = customer.Id });

        var paid = await Client.V1.Invoices.PayAsync(invoice.Id, new InvoicePayOptions { PaymentMethod = visa.Id });

        Assert.Equal(("open", "incomplete"), (invoice.Status, subscription.Status));
        Assert.Equal("paid", paid.Status);
        Assert.Equal(visa.Id, (await LatestChargeAsync(customer.Id)).PaymentMethod);
        Assert.Equal("active", (await Client.V1.Subscriptions.GetAsync(subscription.Id)).Status);
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task An_open_invoice_is_paid_on_its_hosted_page_after_a_decline_there_and_its_subscription_becomes_active()
    {
        var (customer, subscription, invoice) = await UnpaidFirstInvoiceAsync();
        var page = new Uri(invoice.HostedInvoiceUrl).AbsolutePath;

        var shown = await (await Control.GetAsync(page)).Content.ReadAsStringAsync();
        var declined = await Control.PostFormAsync(page + "/decline");
        var stillOpen = await Client.V1.Invoices.GetAsync(invoice.Id);
        var paid = await Control.PostFormAsync(page + "/pay");

        Assert.Contains(invoice.Number, shown);
        Assert.Contains("id=\"pay\"", shown);
        Assert.Contains("declined", await declined.Content.ReadAsStringAsync());
        Assert.Equal("open", stillOpen.Status);
        Assert.Contains("paid", await paid.Content.ReadAsStringAsync());
        var after = await Client.V1.Invoices.GetAsync(invoice.Id);
        Assert.Equal(("paid", 2500L), (after.Status, after.AmountPaid));
        Assert.Equal("active", (await Client.V1.Subscriptions.GetAsync(subscription.Id)).Status);
        var charge = await LatestChargeAsync(customer.Id);
        Assert.Equal("4242", charge.PaymentMethodDetails.Card.Last4);
        var order = await EventOrderAsync(invoice.Id, subscription.Id);
        var paidAt = order.LastIndexOf("invoice.paid");
        Assert.True(order.LastIndexOf("invoice.payment_failed") < paidAt && paidAt < order.LastIndexOf("invoice.payment_succeeded")
            && order.LastIndexOf("invoice.payment_succeeded") < order.LastIndexOf("customer.subscription.updated"), string.Join(", ", order));
        var pdf = await Control.GetAsync(new Uri(after.InvoicePdf).AbsolutePath);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var receipt = await (await Control.GetAsync(new Uri(charge.ReceiptUrl).AbsolutePath)).Content.ReadAsStringAsync();
        Assert.Contains("25.00", receipt);
        var again = await Control.PostFormAsync(page + "/pay");
        Assert.Contains("paid", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, (await Client.V1.Charges.ListAsync(new ChargeListOptions { Customer = customer.Id })).Data.Count(c => c.Paid));
    }
}
