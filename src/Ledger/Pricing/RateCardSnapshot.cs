using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger.Pricing;

/// <summary>The published versions and their rates, as read at one moment: what pricing looks rates up in.</summary>
public sealed class RateCardSnapshot
{
    readonly (RateCardVersion Version, Dictionary<(string Feature, string Unit), UsageRate> Rates)[] _versions;

    public RateCardSnapshot(IEnumerable<RateCardVersion> versions, IEnumerable<UsageRate> rates)
    {
        var byVersion = rates.ToLookup(r => r.Version);
        _versions = versions.OrderByDescending(v => v.EffectiveFrom)
            .Select(v => (v, byVersion[v.Version].ToDictionary(r => (r.Feature, r.Unit))))
            .ToArray();
    }

    public static async Task<RateCardSnapshot> LoadAsync(DbContext db, CancellationToken ct) => new(
        await db.Set<RateCardVersion>().AsNoTracking().ToListAsync(ct),
        await db.Set<UsageRate>().AsNoTracking().ToListAsync(ct));

    public bool IsEmpty => _versions.Length == 0;

    public IEnumerable<(RateCardVersion Version, IReadOnlyCollection<UsageRate> Rates)> Versions =>
        _versions.Reverse().Select(v => (v.Version, (IReadOnlyCollection<UsageRate>)v.Rates.Values));

    /// <summary>
    /// The rate for usage of <paramref name="feature"/> in <paramref name="unit"/> that occurred at <paramref name="at"/>:
    /// the version in effect then, its rate for the feature, else its default rate for the unit. Null and the reason
    /// when there is none.
    /// </summary>
    public (UsageRate? Rate, string? Problem) Find(string feature, string unit, DateTimeOffset at)
    {
        foreach (var (version, rates) in _versions)
        {
            if (version.EffectiveFrom > at) continue;
            if (rates.TryGetValue((feature, unit), out var rate) || rates.TryGetValue((RateCardCatalog.AnyFeature, unit), out rate))
                return (rate, null);
            return (null, $"rate card version {version.Version} has no rate for feature '{feature}' in unit '{unit}'");
        }
        return (null, $"no rate card was in effect at {at:O}");
    }
}
