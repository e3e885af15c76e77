using Credits.Billing.Catalog;
using Credits.Billing.StripeAdapter;

namespace Credits.Billing.Audit;

/// <summary>
/// The catalog's plan prices as Stripe has them (price id to plan), read by lookup key (<see cref="PriceLookup"/>) once
/// per audit run: scoped, and shared by the checks that read invoice lines, which name a price by id only. Tells which
/// plan a line is of, and whether flat or metered. Read from Stripe rather than from <see cref="PriceDirectory"/>:
/// the command-line audit does not run the catalog start-up that fills it.
/// </summary>
public sealed class CatalogPrices(StripeCalls stripe, BillingCatalog catalog)
{
    Dictionary<string, PlanPrice>? _flat, _metered;

    public IReadOnlyDictionary<string, PlanPrice> Flat => _flat ?? throw new InvalidOperationException("CatalogPrices.ReadAsync first");
    public IReadOnlyDictionary<string, PlanPrice> Metered => _metered ?? throw new InvalidOperationException("CatalogPrices.ReadAsync first");

    /// <summary>Reads the prices the first time (a failure is not kept: the next check reads again), then answers from memory.</summary>
    public async Task<CatalogPrices> ReadAsync(CancellationToken ct)
    {
        if (_flat is not null) return this;
        var byKey = catalog.Plans.SelectMany(p => new[] { (Key: p.FlatLookupKey, Plan: p, Metered: false), (Key: p.OverageLookupKey, Plan: p, Metered: true) })
            .ToDictionary(x => x.Key);
        var prices = (await PriceLookup.ByLookupKeysAsync(stripe, byKey.Keys, ct)).GetValueOrThrow();
        var (flat, metered) = (new Dictionary<string, PlanPrice>(), new Dictionary<string, PlanPrice>());
        foreach (var (key, price) in prices)
            if (byKey.TryGetValue(key, out var entry))
                (entry.Metered ? metered : flat)[price.Id] = entry.Plan;
        (_flat, _metered) = (flat, metered);
        return this;
    }
}
