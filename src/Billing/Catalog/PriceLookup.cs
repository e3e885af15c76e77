using Credits.Billing.StripeAdapter;
using global::Stripe;

namespace Credits.Billing.Catalog;

/// <summary>
/// Stripe's prices for lookup keys, read with the <c>lookup_keys</c> filter at most 10 keys a call
/// (https://docs.stripe.com/api/prices/list#list_prices-lookup_keys). Keys Stripe has no price for are absent.
/// </summary>
public static class PriceLookup
{
    public static async Task<StripeResult<Dictionary<string, Price>>> ByLookupKeysAsync(StripeCalls stripe, IEnumerable<string> lookupKeys,
        CancellationToken ct)
    {
        var found = new Dictionary<string, Price>();
        foreach (var chunk in lookupKeys.Distinct().Chunk(10))
        {
            var page = await stripe.ReadAsync("list prices by lookup key", (c, o, t) =>
                c.V1.Prices.ListAsync(new() { LookupKeys = [.. chunk], Limit = 100 }, o, t), ct);
            if (!page.Succeeded) return StripeResult<Dictionary<string, Price>>.Failed(page.Failure!);
            foreach (var price in page.Value!.Data.Where(p => p.LookupKey is not null)) found[price.LookupKey] = price;
        }
        return StripeResult<Dictionary<string, Price>>.Ok(found);
    }
}
