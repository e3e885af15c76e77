using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task A_flat_and_a_metered_item_subscribe_and_the_first_invoice_is_paid()
    {
        var customer = await CustomerWithCardAsync();
        var (flat, metered, _) = await CatalogAsync();

        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new() { Price = flat.Id, Quantity = 1 }, new() { Price = metered.Id }],
            Expand = ["latest_invoice"],
        });

        AssertShapedLike(subscription, "subscription");
        var raw = StripeFixtures.Raw(subscription);
        AssertShapedLike(raw["items"]!["data"]![0]!.AsObject(), "subscription_item");
        Assert.Equal("active", subscription.Status);
        Assert.Equal(2, subscription.Items.Data.Count);
        var meteredItem = raw["items"]!["data"]!.AsArray().Single(i => (string?)i!["price"]!["id"] == metered.Id)!;
        Assert.Null(meteredItem["quantity"]);
        Assert.Equal("paid", subscription.LatestInvoice.Status);
        Assert.Equal(2000, subscription.LatestInvoice.AmountPaid);
        var invoice = await Client.V1.Invoices.GetAsync(subscription.LatestInvoiceId);
        AssertShapedLike(invoice, "invoice");
        AssertShapedLike(StripeFixtures.Raw(invoice)["lines"]!["data"]![0]!.AsObject(), "line_item");
        Assert.Equal("subscription_create", invoice.BillingReason);
    }

    [StripeFact]
    public async Task A_quantity_on_a_metered_item_is_rejected_with_its_param()
    {
        var customer = await CustomerWithCardAsync();
        var (flat, metered, _) = await CatalogAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id,
            Items = [new() { Price = flat.Id, Quantity = 1 }, new() { Price = metered.Id, Quantity = 1 }],
        }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("items[1][quantity]", error.StripeError.Param);
        Assert.Empty((await Client.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Customer = customer.Id })).Data);
    }

    [StripeFact]
    public async Task An_upgrade_swaps_the_flat_price_and_adds_the_metered_item_in_one_call_charging_the_proration()
    {
        var customer = await CustomerWithCardAsync();
        var (hobby, _, _) = await CatalogAsync(flatAmount: 1000);
        var (pro, overage, _) = await CatalogAsync(flatAmount: 5000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = hobby.Id, Quantity = 1 }],
        });
        var flatItem = subscription.Items.Data[0];

        var upgraded = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = flatItem.Id, Price = pro.Id }, new() { Price = overage.Id }],
            ProrationBehavior = "always_invoice",
            PaymentBehavior = "pending_if_incomplete",
            Expand = ["latest_invoice"],
        });

        Assert.Equal(flatItem.Id, upgraded.Items.Data.Single(i => i.Price.Id == pro.Id).Id);
        Assert.Contains(upgraded.Items.Data, i => i.Price.Id == overage.Id);
        Assert.Equal(2, upgraded.Items.Data.Count);
        Assert.Null(upgraded.PendingUpdate);
        Assert.Equal("subscription_update", upgraded.LatestInvoice.BillingReason);
        Assert.Equal("paid", upgraded.LatestInvoice.Status);
        // Nearly a whole month remains: about 5000 - 1000 is charged up front.
        Assert.InRange(upgraded.LatestInvoice.AmountPaid, 3900, 4000);
    }

    [StripeFact]
    public async Task An_item_change_that_fails_validation_changes_no_item()
    {
        var customer = await CustomerWithCardAsync();
        var (flat, metered, _) = await CatalogAsync();
        var (other, _, _) = await CatalogAsync(flatAmount: 3000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = flat.Id, Quantity = 1 }, new() { Price = metered.Id }],
        });

        await Assert.ThrowsAsync<StripeException>(() => Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = subscription.Items.Data[0].Id, Price = other.Id }, new() { Id = "si_doesnotexist", Deleted = true }],
        }));

        var after = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal(new[] { flat.Id, metered.Id }.Order(), after.Items.Data.Select(i => i.Price.Id).Order());
    }

    [StripeFact]
    public async Task A_declined_upgrade_with_error_if_incomplete_changes_nothing()
    {
        var customer = await CustomerWithCardAsync();
        var (hobby, _, _) = await CatalogAsync(flatAmount: 1000);
        var (pro, _, _) = await CatalogAsync(flatAmount: 5000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = hobby.Id, Quantity = 1 }],
        });
        await SwitchCardAsync(customer, "pm_card_chargeCustomerFail");

        var declined = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = subscription.Items.Data[0].Id, Price = pro.Id }],
            ProrationBehavior = "always_invoice",
            PaymentBehavior = "error_if_incomplete",
        }));

        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, declined.HttpStatusCode);
        Assert.Equal("card_error", declined.StripeError.Type);
        var after = await Client.V1.Subscriptions.GetAsync(subscription.Id);
        Assert.Equal(hobby.Id, after.Items.Data.Single().Price.Id);
        Assert.Equal("active", after.Status);
    }

    [StripeFact]
    public async Task A_declined_upgrade_with_pending_if_incomplete_keeps_the_old_items_as_a_pending_update()
    {
        var customer = await CustomerWithCardAsync();
        var (hobby, _, _) = await CatalogAsync(flatAmount: 1000);
        var (pro, _, _) = await CatalogAsync(flatAmount: 5000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = hobby.Id, Quantity = 1 }],
        });
        await SwitchCardAsync(customer, "pm_card_chargeCustomerFail");

        var pending = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = subscription.Items.Data[0].Id, Price = pro.Id }],
            ProrationBehavior = "always_invoice",
            PaymentBehavior = "pending_if_incomplete",
            Expand = ["latest_invoice"],
        });

        Assert.Equal(hobby.Id, pending.Items.Data.Single().Price.Id);
        Assert.NotNull(pending.PendingUpdate);
        Assert.Equal(pro.Id, pending.PendingUpdate.SubscriptionItems.Single().Price.Id);
        Assert.Equal("open", pending.LatestInvoice.Status);
    }

    [StripeFact]
    public async Task Cancel_at_period_end_keeps_the_subscription_active_until_then_and_cancel_ends_it()
    {
        var customer = await CustomerWithCardAsync();
        var (flat, _, _) = await CatalogAsync();
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = flat.Id, Quantity = 1 }],
        });

        var scheduled = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions { CancelAtPeriodEnd = true });
        Assert.Equal("active", scheduled.Status);
        Assert.True(scheduled.CancelAtPeriodEnd);
        Assert.Equal(scheduled.Items.Data[0].CurrentPeriodEnd, scheduled.CancelAt);

        var canceled = await Client.V1.Subscriptions.CancelAsync(subscription.Id);
        Assert.Equal("canceled", canceled.Status);
        Assert.NotNull(canceled.EndedAt);
    }

    [StripeFact]
    public async Task A_preview_shows_the_proration_of_an_upgrade_without_changing_anything()
    {
        var customer = await CustomerWithCardAsync();
        var (hobby, _, _) = await CatalogAsync(flatAmount: 1000);
        var (pro, _, _) = await CatalogAsync(flatAmount: 5000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = hobby.Id, Quantity = 1 }],
        });

        var preview = await Client.V1.Invoices.CreatePreviewAsync(new InvoiceCreatePreviewOptions
        {
            Customer = customer.Id,
            Subscription = subscription.Id,
            SubscriptionDetails = new InvoiceSubscriptionDetailsOptions
            {
                Items = [new() { Id = subscription.Items.Data[0].Id, Price = pro.Id }],
                ProrationBehavior = "always_invoice",
            },
        });

        AssertShapedLike(preview, "invoice");
        Assert.InRange(preview.AmountDue, 3900, 4000);
        Assert.Equal(hobby.Id, (await Client.V1.Subscriptions.GetAsync(subscription.Id)).Items.Data.Single().Price.Id);
    }

    [StripeFact]
    public async Task Create_prorations_waits_for_the_next_invoice_and_a_preview_shows_it()
    {
        var customer = await CustomerWithCardAsync();
        var (hobby, _, _) = await CatalogAsync(flatAmount: 1000);
        var (pro, _, _) = await CatalogAsync(flatAmount: 5000);
        var subscription = await Client.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer.Id, Items = [new() { Price = hobby.Id, Quantity = 1 }],
        });

        var updated = await Client.V1.Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new() { Id = subscription.Items.Data[0].Id, Price = pro.Id }],
            ProrationBehavior = "create_prorations",
        });
        var next = await Client.V1.Invoices.CreatePreviewAsync(new InvoiceCreatePreviewOptions { Customer = customer.Id, Subscription = subscription.Id });

        Assert.Equal(subscription.LatestInvoiceId, updated.LatestInvoiceId);
        Assert.Equal(pro.Id, updated.Items.Data.Single().Price.Id);
        Assert.Contains(next.Lines.Data, l => l.Amount < 0);
        Assert.InRange(next.AmountDue, 5000 + 3900, 5000 + 4000);
    }
}
