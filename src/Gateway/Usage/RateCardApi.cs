using Credits.Gateway.Authentication;
using Credits.Ledger.Pricing;

namespace Credits.Gateway.Usage;

/// <summary>
/// GET /v1/rate-cards: the published rate card versions, oldest first, with their rates, so an app can show what
/// usage costs and check what an entry was priced at. Read from PostgreSQL, as pricing reads it.
/// </summary>
public static class RateCardApi
{
    public record RateView(string Feature, string Unit, decimal CreditsPerUnit);
    public record RateCardView(int Version, DateTimeOffset EffectiveFrom, DateTimeOffset PublishedAt, IReadOnlyList<RateView> Rates);

    public static RouteGroupBuilder MapRateCardApiV1(this RouteGroupBuilder v1)
    {
        v1.MapGet("/rate-cards", async (RateCards cards, CancellationToken ct) =>
            TypedResults.Ok((await cards.CurrentAsync(ct)).Versions.Select(v => new RateCardView(
                v.Version.Version, v.Version.EffectiveFrom, v.Version.PublishedAt,
                v.Rates.OrderBy(r => r.Feature, StringComparer.Ordinal).ThenBy(r => r.Unit, StringComparer.Ordinal)
                    .Select(r => new RateView(r.Feature, r.Unit, r.CreditsPerUnit)).ToList())).ToList()))
            .WithTags("Usage").RequireScope(ApiScopes.Read)
            .WithSummary("The published rate cards")
            .WithDescription("Usage given as a quantity of a unit of a feature is priced by the version in effect when it occurred; " +
                "feature \"*\" is a unit's rate for features the version does not name.");
        return v1;
    }
}
