using Microsoft.Extensions.Configuration;

namespace Credits.Ledger.Pricing;

/// <summary>
/// The configured rate card versions, validated once at start-up. Configuration is where a version is written;
/// <see cref="RateCardPublisher"/> makes it the shared, immutable truth in PostgreSQL, and pricing reads it from
/// there (<see cref="RateCards"/>).
/// </summary>
public sealed class RateCardCatalog
{
    public const string SectionName = "RateCards";

    /// <summary>The feature name of a unit's default rate, for features the card does not name.</summary>
    public const string AnyFeature = "*";

    /// <summary>
    /// Decimal places a rate may have: a credit per million tokens is 0.000001. With <see cref="UsagePricing.MaxQuantityScale"/>
    /// a price has at most 18, so it is exact in C#'s decimal and in the remainder's column.
    /// </summary>
    public const int MaxRateScale = 12;

    public RateCardCatalog(IEnumerable<RateCardDefinition> versions)
    {
        Versions = versions.OrderBy(v => v.Version).ToList();
        var errors = Validate(Versions);
        if (errors.Count > 0)
            throw new InvalidOperationException("Invalid rate card configuration: " + string.Join("; ", errors));
    }

    /// <summary>Binds <c>RateCards:{version}:{property}</c>; the child key is the version's number.</summary>
    public static RateCardCatalog FromConfiguration(IConfiguration configuration) =>
        new(configuration.GetSection(SectionName).GetChildren().Select(child =>
        {
            var card = child.Get<RateCardDefinition>() ?? new RateCardDefinition();
            card.Version = int.TryParse(child.Key, out var version) ? version : 0;
            return card;
        }));

    public IReadOnlyList<RateCardDefinition> Versions { get; }

    static List<string> Validate(IReadOnlyList<RateCardDefinition> versions)
    {
        var errors = new List<string>();
        for (var i = 0; i < versions.Count; i++)
        {
            var card = versions[i];
            var name = $"rate card version {card.Version}";
            if (card.Version <= 0) errors.Add("a rate card's key must be its version number, 1 or more");
            if (card.EffectiveFrom == default) errors.Add($"{name}: EffectiveFrom is required");
            if (i > 0 && card.Version == versions[i - 1].Version) errors.Add($"{name} appears more than once");
            if (i > 0 && card.EffectiveFrom <= versions[i - 1].EffectiveFrom)
                errors.Add($"{name}: EffectiveFrom must be later than version {versions[i - 1].Version}'s");
            if (card.Rates.Count == 0) errors.Add($"{name}: Rates must name at least one rate");
            foreach (var rate in card.Rates)
            {
                if (Text(rate.Feature) is { } feature) errors.Add($"{name}: a rate's Feature {feature}");
                if (Text(rate.Unit) is { } unit) errors.Add($"{name}: a rate's Unit {unit}");
                if (rate.CreditsPerUnit <= 0 || rate.CreditsPerUnit > LedgerLimits.MaxCredits)
                    errors.Add($"{name}: {rate.Feature}/{rate.Unit}: CreditsPerUnit must be above 0 and at most {LedgerLimits.MaxCredits:N0}");
                if (rate.CreditsPerUnit.Scale > MaxRateScale && rate.CreditsPerUnit != decimal.Round(rate.CreditsPerUnit, MaxRateScale))
                    errors.Add($"{name}: {rate.Feature}/{rate.Unit}: CreditsPerUnit may have at most {MaxRateScale} decimal places");
            }
            foreach (var duplicate in card.Rates.GroupBy(r => (r.Feature, r.Unit)).Where(g => g.Count() > 1))
                errors.Add($"{name}: {duplicate.Key.Feature}/{duplicate.Key.Unit} appears more than once");
        }
        return errors;
    }

    static string? Text(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "is required"
        : value.Length > LedgerLimits.MaxFeatureLength ? $"must be at most {LedgerLimits.MaxFeatureLength} characters"
        : LedgerLimits.HasControlCharacters(value) ? "must not contain control characters"
        : null;
}
