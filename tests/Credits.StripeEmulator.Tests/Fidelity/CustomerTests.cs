using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task A_customer_saved_with_a_test_card_has_it_as_default_payment_method()
    {
        var customer = await CustomerWithCardAsync();

        AssertShapedLike(customer, "customer");
        Assert.StartsWith("cus_", customer.Id);
        Assert.False(customer.Livemode);
        var pm = await Client.V1.PaymentMethods.GetAsync(customer.InvoiceSettings.DefaultPaymentMethodId);
        AssertShapedLike(pm, "payment_method");
        Assert.Equal(customer.Id, pm.CustomerId);
        Assert.Equal("4242", pm.Card.Last4);
    }

    [StripeFact]
    public async Task Metadata_is_merged_and_expand_replaces_ids_with_objects()
    {
        var customer = await Client.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Metadata = new Dictionary<string, string> { ["app_customer_id"] = Target.Unique, ["drop"] = "x" },
            PaymentMethod = "pm_card_visa",
            InvoiceSettings = new CustomerInvoiceSettingsOptions { DefaultPaymentMethod = "pm_card_visa" },
        });
        var updated = await Client.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions
        {
            Metadata = new Dictionary<string, string> { ["drop"] = "", ["plan"] = "pro" },
        });
        Assert.Equal(new Dictionary<string, string> { ["app_customer_id"] = Target.Unique, ["plan"] = "pro" }, updated.Metadata);

        var expanded = await Client.V1.Customers.GetAsync(customer.Id, new CustomerGetOptions
        {
            Expand = ["invoice_settings.default_payment_method"],
        });
        Assert.Equal("4242", expanded.InvoiceSettings.DefaultPaymentMethod.Card.Last4);
    }

    [StripeFact]
    public async Task Lists_page_with_has_more_and_starting_after()
    {
        var email = $"page-{Guid.NewGuid():n}@example.com";
        for (var i = 0; i < 3; i++) await Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email });

        var first = await Client.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 2 });
        var second = await Client.V1.Customers.ListAsync(new CustomerListOptions { Email = email, Limit = 2, StartingAfter = first.Data[^1].Id });

        Assert.Equal("list", first.Object);
        Assert.True(first.HasMore);
        Assert.Equal(2, first.Data.Count);
        Assert.False(second.HasMore);
        Assert.Single(second.Data);
        Assert.True(first.Data[0].Created >= first.Data[1].Created);
    }

    [StripeFact]
    public async Task Errors_come_in_Stripes_envelope_with_its_status_codes()
    {
        var missing = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Customers.GetAsync("cus_doesnotexist"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.HttpStatusCode);
        Assert.Equal("invalid_request_error", missing.StripeError.Type);
        Assert.Equal("resource_missing", missing.StripeError.Code);
        Assert.False(string.IsNullOrEmpty(missing.StripeResponse.RequestId));

        var badKey = Target.IsEmulator ? Target.Emulator!.CreateClient("sk_test_wrong") : new StripeClient("sk_test_wrong");
        var unauthorized = await Assert.ThrowsAsync<StripeException>(() => badKey.V1.Customers.ListAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.HttpStatusCode);
    }
}
