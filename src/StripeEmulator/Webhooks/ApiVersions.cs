using System.Text.RegularExpressions;

namespace Credits.StripeEmulator.Webhooks;

/// <summary>
/// Stripe API versions as webhook endpoints and the account carry them: a date and a release name
/// (<c>2026-10-28.endive</c>; older ones are a date alone). The emulator renders an event's
/// <c>api_version</c> field in the version its endpoint asks for; the objects inside keep the shape of
/// Stripe.net's pinned version (the emulator knows no other).
/// </summary>
public static partial class ApiVersions
{
    public static bool IsWellFormed(string? version) => version is not null && Shape().IsMatch(version);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
