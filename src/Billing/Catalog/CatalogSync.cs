using System.Globalization;
using Credits.Billing.Metering;
using Credits.Billing.StripeAdapter;
using global::Stripe;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using BillingMeter = global::Stripe.Billing.Meter;

namespace Credits.Billing.Catalog;

/// <summary>
/// Makes Stripe hold the configured catalog: the overage meter, a product per plan and pack, prices
/// found by lookup key, and the webhook endpoint. Idempotent: objects are found before they are made,
/// creates carry idempotency keys derived from the object, so a second run changes nothing. Prices
/// are never changed: a differing amount is reported as drift (Stripe prices are immutable; a new
/// PriceVersion gives new lookup keys).
/// </summary>
public sealed class CatalogSync(StripeCalls stripe, BillingCatalog catalog, IOptions<StripeOptions> stripeOptions,
    IOptions<CatalogOptions> catalogOptions, ILogger<CatalogSync> logger)
{
    public async Task<CatalogSyncReport> RunAsync(CancellationToken ct = default)
    {
        var report = new CatalogSyncReport();
        var meter = await EnsureMeterAsync(report, ct);
        if (meter is not null)
        {
            foreach (var plan in catalog.Plans) await SyncPlanAsync(plan, meter, report, ct);
            foreach (var pack in catalog.Packs) await SyncPackAsync(pack, report, ct);
            await EnsureWebhookEndpointAsync(report, ct);
        }
        foreach (var drift in report.Drift)
            logger.LogWarning("Catalog drift: price {PriceId} ({LookupKey}) has {Field} {InStripe} in Stripe, configured {Configured}; left unchanged",
                drift.PriceId, drift.LookupKey, drift.Field, drift.InStripe, drift.Configured);
        logger.LogInformation("Catalog sync: {Report}", report);
        return report;
    }

    async Task<BillingMeter?> EnsureMeterAsync(CatalogSyncReport report, CancellationToken ct)
    {
        var eventName = stripeOptions.Value.MeterEventName;
        var found = await ActiveMeter.FindAsync(stripe, eventName, ct);
        if (!found.Succeeded) return Fail<BillingMeter>(report, "meter", found.Failure!);
        if (found.Value is { } existing)
        {
            report.Unchanged.Add($"meter {eventName}");
            report.MeterId = existing.Id;
            return existing;
        }
        var created = await stripe.WriteAsync("create meter", IdempotencyKeys.For("catalog", eventName, "create-meter"),
            (c, o, t) => c.V1.Billing.Meters.CreateAsync(new()
            {
                DisplayName = "Credits overage",
                EventName = eventName,
                DefaultAggregation = new() { Formula = "sum" },
                CustomerMapping = new() { Type = "by_id", EventPayloadKey = "stripe_customer_id" },
                ValueSettings = new() { EventPayloadKey = "value" },
            }, o, t), ct);
        if (!created.Succeeded) return Fail<BillingMeter>(report, "meter", created.Failure!);
        report.Created.Add($"meter {eventName}");
        report.MeterId = created.Value!.Id;
        return created.Value;
    }

    async Task SyncPlanAsync(PlanPrice plan, BillingMeter meter, CatalogSyncReport report, CancellationToken ct)
    {
        var product = await EnsureProductAsync(LookupKeys.PlanProduct(plan.Id), plan.DisplayName is { Length: > 0 } n ? n : plan.Id, report, ct);
        if (product is null) return;
        await EnsurePriceAsync(new DesiredPrice(plan.FlatLookupKey, product, plan.Currency, plan.FlatMonthlyAmount, "licensed", null), report, ct);
        if (plan.OverageAllowed)
            await EnsurePriceAsync(new DesiredPrice(plan.OverageLookupKey, product, plan.Currency, plan.OverageUnitAmount, "metered", meter.Id), report, ct);
    }

    async Task SyncPackAsync(CreditPack pack, CatalogSyncReport report, CancellationToken ct)
    {
        var name = pack.DisplayName is { Length: > 0 } n ? n : $"{pack.Credits} credits";
        if (await EnsureProductAsync(LookupKeys.PackProduct(pack.Id), name, report, ct) is { } product)
            await EnsurePriceAsync(new DesiredPrice(pack.LookupKey, product, pack.Currency, pack.Amount, null, null), report, ct);
    }

    async Task<string?> EnsureProductAsync(string productId, string name, CatalogSyncReport report, CancellationToken ct)
    {
        var found = await stripe.ReadAsync("get product", async (c, o, t) =>
        {
            try { return await c.V1.Products.GetAsync(productId, null, o, t); }
            catch (StripeException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
        }, ct);
        if (!found.Succeeded) return Fail<string>(report, $"product {productId}", found.Failure!);
        if (found.Value is null)
        {
            var created = await stripe.WriteAsync("create product", IdempotencyKeys.For("catalog", productId, "create-product"),
                (c, o, t) => c.V1.Products.CreateAsync(new() { Id = productId, Name = name }, o, t), ct);
            if (!created.Succeeded) return Fail<string>(report, $"product {productId}", created.Failure!);
            report.Created.Add($"product {productId}");
            return productId;
        }
        if (found.Value.Name == name && found.Value.Active)
        {
            report.Unchanged.Add($"product {productId}");
            return productId;
        }
        // A product's name is not a price term: safe to bring in line. The key names the target state.
        var updated = await stripe.WriteAsync("update product", IdempotencyKeys.For("catalog", productId, $"update-product:{name}"),
            (c, o, t) => c.V1.Products.UpdateAsync(productId, new() { Name = name, Active = true }, o, t), ct);
        if (!updated.Succeeded) return Fail<string>(report, $"product {productId}", updated.Failure!);
        report.Updated.Add($"product {productId}");
        return productId;
    }

    async Task EnsurePriceAsync(DesiredPrice want, CatalogSyncReport report, CancellationToken ct)
    {
        var found = await stripe.ReadAsync("list prices", async (c, o, t) =>
            (await c.V1.Prices.ListAsync(new() { LookupKeys = [want.LookupKey], Limit = 1 }, o, t)).Data.FirstOrDefault(), ct);
        if (!found.Succeeded)
        {
            Fail<string>(report, $"price {want.LookupKey}", found.Failure!);
            return;
        }
        if (found.Value is { } price)
        {
            var drift = want.Compare(price);
            report.Drift.AddRange(drift);
            if (drift.Count == 0) report.Unchanged.Add($"price {want.LookupKey}");
            return;
        }
        var created = await stripe.WriteAsync("create price", IdempotencyKeys.For("catalog", want.LookupKey, "create-price"),
            (c, o, t) => c.V1.Prices.CreateAsync(want.ToCreateOptions(), o, t), ct);
        if (!created.Succeeded)
        {
            Fail<string>(report, $"price {want.LookupKey}", created.Failure!);
            return;
        }
        report.Created.Add($"price {want.LookupKey}");
    }

    async Task EnsureWebhookEndpointAsync(CatalogSyncReport report, CancellationToken ct)
    {
        var settings = catalogOptions.Value;
        if (settings.WebhookUrl is not { Length: > 0 } url) return;
        var wanted = settings.WebhookEvents.Order(StringComparer.Ordinal).ToList();
        var found = await stripe.ReadAsync("list webhook endpoints", async (c, o, t) =>
        {
            await foreach (var e in c.V1.WebhookEndpoints.ListAutoPagingAsync(new() { Limit = 100 }, o, t))
                if (e.Url == url) return e;
            return null;
        }, ct);
        if (!found.Succeeded)
        {
            Fail<string>(report, "webhook endpoint", found.Failure!);
            return;
        }
        if (found.Value is null)
        {
            var created = await stripe.WriteAsync("create webhook endpoint", IdempotencyKeys.For("catalog", url, "create-webhook-endpoint"),
                (c, o, t) => c.V1.WebhookEndpoints.CreateAsync(new()
                {
                    Url = url, EnabledEvents = wanted, ApiVersion = StripeConfiguration.ApiVersion, Description = "Credits",
                }, o, t), ct);
            if (!created.Succeeded)
            {
                Fail<string>(report, "webhook endpoint", created.Failure!);
                return;
            }
            report.Created.Add($"webhook endpoint {url}");
            report.WebhookEndpointId = created.Value!.Id;
            report.NewWebhookSecret = created.Value.Secret;
            return;
        }
        report.WebhookEndpointId = found.Value.Id;
        var current = found.Value.EnabledEvents.Order(StringComparer.Ordinal).ToList();
        if (current.SequenceEqual(wanted) && found.Value.Status != "disabled")
        {
            report.Unchanged.Add($"webhook endpoint {url}");
            return;
        }
        var updated = await stripe.WriteAsync("update webhook endpoint",
            IdempotencyKeys.For("catalog", found.Value.Id, "enable:" + string.Join(',', wanted)),
            (c, o, t) => c.V1.WebhookEndpoints.UpdateAsync(found.Value.Id, new() { EnabledEvents = wanted, Disabled = false }, o, t), ct);
        if (!updated.Succeeded) Fail<string>(report, "webhook endpoint", updated.Failure!);
        else report.Updated.Add($"webhook endpoint {url}");
    }

    T? Fail<T>(CatalogSyncReport report, string what, StripeFailure failure) where T : class
    {
        report.Failures.Add($"{what}: {failure}");
        logger.LogError("Catalog sync could not sync {What}: {Failure}", what, failure);
        return null;
    }

    /// <summary>A price as configuration wants it; <see cref="UsageType"/> null for a one-time price (packs).</summary>
    sealed record DesiredPrice(string LookupKey, string Product, string Currency, decimal UnitAmount, string? UsageType, string? MeterId)
    {
        public PriceCreateOptions ToCreateOptions() => new()
        {
            LookupKey = LookupKey,
            Product = Product,
            Currency = Currency.ToLowerInvariant(),
            UnitAmountDecimal = UnitAmount,
            Recurring = UsageType is null ? null : new() { Interval = "month", UsageType = UsageType, Meter = MeterId },
            Metadata = new() { ["credits_lookup_key"] = LookupKey },
        };

        public List<PriceDrift> Compare(Price price)
        {
            var drift = new List<PriceDrift>();
            void Check(string field, string configured, string? actual)
            {
                if (!string.Equals(configured, actual ?? "", StringComparison.Ordinal))
                    drift.Add(new PriceDrift(LookupKey, price.Id, field, configured, actual ?? "(none)"));
            }
            Check("unit_amount", UnitAmount.ToString("0.############", CultureInfo.InvariantCulture),
                price.UnitAmountDecimal?.ToString("0.############", CultureInfo.InvariantCulture));
            Check("currency", Currency.ToLowerInvariant(), price.Currency);
            Check("usage_type", UsageType ?? "one_time", price.Recurring?.UsageType ?? "one_time");
            if (MeterId is not null) Check("meter", MeterId, price.Recurring?.Meter);
            Check("active", "True", price.Active.ToString());
            return drift;
        }
    }
}
