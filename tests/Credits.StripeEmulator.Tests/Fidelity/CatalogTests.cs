using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task Prices_are_found_by_lookup_key_and_a_metered_price_names_its_meter()
    {
        var (flat, metered, meter) = await CatalogAsync();
        var key = "pro_monthly_" + Target.Unique;
        var keyed = await Client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = flat.ProductId, Currency = "usd", UnitAmount = 2500, LookupKey = key,
            Recurring = new PriceRecurringOptions { Interval = "month" },
        });

        var found = await Client.V1.Prices.ListAsync(new PriceListOptions { LookupKeys = [key], Expand = ["data.product"] });

        Assert.Equal(keyed.Id, Assert.Single(found.Data).Id);
        Assert.Equal(flat.ProductId, found.Data[0].Product.Id);
        AssertShapedLike(keyed, "price");
        AssertShapedLike(meter, "billing.meter");
        AssertShapedLike(await Client.V1.Products.GetAsync(flat.ProductId), "product");
        Assert.Equal("metered", metered.Recurring.UsageType);
        Assert.Equal(meter.Id, metered.Recurring.Meter);
        Assert.Equal("licensed", flat.Recurring.UsageType);
    }

    [StripeFact]
    public async Task A_lookup_key_moves_to_a_new_price_only_with_transfer_lookup_key()
    {
        var (flat, _, _) = await CatalogAsync();
        var key = "hobby_" + Target.Unique;
        var first = await Client.V1.Prices.CreateAsync(new PriceCreateOptions
        {
            Product = flat.ProductId, Currency = "usd", UnitAmount = 0, LookupKey = key,
            Recurring = new PriceRecurringOptions { Interval = "month" },
        });
        var options = new PriceCreateOptions
        {
            Product = flat.ProductId, Currency = "usd", UnitAmount = 100, LookupKey = key,
            Recurring = new PriceRecurringOptions { Interval = "month" },
        };

        var refused = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Prices.CreateAsync(options));
        options.TransferLookupKey = true;
        var second = await Client.V1.Prices.CreateAsync(options);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal(key, second.LookupKey);
        Assert.Null((await Client.V1.Prices.GetAsync(first.Id)).LookupKey);
    }

    [StripeFact]
    public async Task Webhook_endpoints_are_created_with_a_secret_listed_and_deleted()
    {
        var endpoint = await Client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = $"https://example.com/webhooks/{Target.Unique}",
            EnabledEvents = ["invoice.paid", "customer.subscription.updated"],
        });

        AssertShapedLike(ShapeWithoutSecret(endpoint), "webhook_endpoint");
        Assert.StartsWith("whsec_", endpoint.Secret);
        var listed = await Client.V1.WebhookEndpoints.ListAsync(new WebhookEndpointListOptions { Limit = 100 });
        Assert.Contains(listed.Data, e => e.Id == endpoint.Id && e.Secret is null);
        var deleted = await Client.V1.WebhookEndpoints.DeleteAsync(endpoint.Id);
        Assert.True(deleted.Deleted);
    }

    /// <summary>Stripe returns <c>secret</c> only on create; the published example is a retrieved endpoint.</summary>
    private static System.Text.Json.Nodes.JsonObject ShapeWithoutSecret(WebhookEndpoint endpoint)
    {
        var raw = StripeFixtures.Raw(endpoint);
        Assert.True(raw.Remove("secret"));
        return raw;
    }
}
