using System.Text.Json.Nodes;
using Stripe;

namespace Credits.StripeEmulator.Tests.Support;

/// <summary>
/// Stripe's published example objects (Fixtures/stripe/fixtures3.json in this project, MIT licence,
/// copied next to the test binaries), read at test time, and the top-level field comparison the fidelity tests make.
/// </summary>
public static class StripeFixtures
{
    private static readonly Lazy<JsonObject> Resources = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "stripe", "fixtures3.json");
        return (JsonObject)JsonNode.Parse(System.IO.File.ReadAllText(path))!["resources"]!;
    });

    public static IReadOnlySet<string> FieldsOf(string objectType) =>
        ((JsonObject)(Resources.Value[objectType] ?? throw new ArgumentException($"No fixture for {objectType}"))).Select(kv => kv.Key).ToHashSet();

    /// <summary>The raw JSON Stripe (or the emulator) answered for an entity returned by Stripe.net.</summary>
    public static JsonObject Raw(IStripeEntity entity) =>
        (JsonObject)JsonNode.Parse(((StripeEntity)entity).StripeResponse?.Content ?? throw new ArgumentException("Not a top-level response"))!;

    /// <summary>
    /// The object carries Stripe's top-level fields for its type: exactly those against the emulator,
    /// at least those against real Stripe (its API version is newer than the fixtures).
    /// </summary>
    public static void AssertShapedLike(JsonObject actual, string objectType, bool exact)
    {
        Assert.Equal(objectType, (string?)actual["object"]);
        var expected = FieldsOf(objectType);
        var fields = actual.Select(kv => kv.Key).ToHashSet();
        var missing = expected.Except(fields).Order().ToList();
        Assert.True(missing.Count == 0, $"{objectType} lacks fields: {string.Join(", ", missing)}");
        if (!exact) return;
        var extra = fields.Except(expected).Order().ToList();
        Assert.True(extra.Count == 0, $"{objectType} has fields Stripe's example does not: {string.Join(", ", extra)}");
    }
}
