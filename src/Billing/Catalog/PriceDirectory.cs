using System.Collections.Frozen;

namespace Credits.Billing.Catalog;

/// <summary>
/// The Stripe price id behind each configured lookup key, resolved once at start-up by
/// <see cref="CatalogStartup"/>. Kept in memory so state machines can name prices without I/O;
/// prices are immutable in Stripe, so a resolved id never goes stale (a new PriceVersion is a new key).
/// </summary>
public sealed class PriceDirectory
{
    volatile FrozenDictionary<string, string>? _prices;

    public bool IsResolved => _prices is not null;

    /// <summary>The price id for <paramref name="lookupKey"/>; throws while the directory is not resolved yet.</summary>
    public string PriceId(string lookupKey)
    {
        var prices = _prices ?? throw new PriceDirectoryNotReadyException();
        return prices.TryGetValue(lookupKey, out var id)
            ? id
            : throw new InvalidOperationException($"Stripe has no price with lookup key '{lookupKey}'; run `Credits.Orchestrator sync-catalog`.");
    }

    public void Resolve(IReadOnlyDictionary<string, string> lookupKeyToPriceId) =>
        _prices = lookupKeyToPriceId.ToFrozenDictionary();
}

/// <summary>
/// Thrown when a message needs a price before start-up resolved them (Stripe unreachable at start):
/// a transient failure, retried by the message's retry policy.
/// </summary>
public sealed class PriceDirectoryNotReadyException()
    : Exception("The Stripe price ids are not resolved yet (catalog start-up has not reached Stripe); retry later.");
