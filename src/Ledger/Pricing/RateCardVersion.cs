namespace Credits.Ledger.Pricing;

/// <summary>
/// A published rate card version (table <c>rate_card_versions</c>): written once by <see cref="RateCardPublisher"/>,
/// never changed, so every entry priced under it can be explained for ever.
/// </summary>
public class RateCardVersion
{
    public int Version { get; set; }
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
}
