using Credits.Billing.Catalog;
using Credits.Billing.StripeAdapter;

namespace Credits.Billing.Audit;

/// <summary>
/// The catalog's plan prices as Stripe has them (price id to plan), read once per check with Stripe's
/// <c>lookup_keys</c> filter, at most 10 keys a call (https://docs.stripe.com/api/prices/list#list_prices-lookup_keys).
/// Invoice lines name a price by id only; this tells which plan, and whether flat or metered.
/// </summary>
public sealed record CatalogPrices(IReadOnlyDictionary<string, PlanPrice> Flat, IReadOnlyDictionary<string, PlanPrice> Metered)
{
    public static async Task<CatalogPrices> ReadAsync(StripeCalls stripe, BillingCatalog catalog, CancellationToken ct)
    {
        var byKey = catalog.Plans.SelectMany(p => new[] { (Key: p.FlatLookupKey, Plan: p, Metered: false), (Key: p.OverageLookupKey, Plan: p, Metered: true) })
            .ToDictionary(x => x.Key);
        var flat = new Dictionary<string, PlanPrice>();
        var metered = new Dictionary<string, PlanPrice>();
        foreach (var keys in byKey.Keys.Chunk(10))
        {
            var prices = await stripe.ReadAsync("list catalog prices", async (c, o, t) =>
            {
                var found = new List<global::Stripe.Price>();
                await foreach (var price in c.V1.Prices.ListAutoPagingAsync(new() { LookupKeys = [.. keys], Limit = 100 }, o, t)) found.Add(price);
                return found;
            }, ct);
            foreach (var price in prices.GetValueOrThrow())
                if (price.LookupKey is { } key && byKey.TryGetValue(key, out var entry))
                    (entry.Metered ? metered : flat)[price.Id] = entry.Plan;
        }
        return new CatalogPrices(flat, metered);
    }
}
