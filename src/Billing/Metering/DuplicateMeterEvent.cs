using System.Net;
using System.Text.RegularExpressions;
using Credits.Billing.StripeAdapter;

namespace Credits.Billing.Metering;

/// <summary>
/// Stripe's refusal of a meter event whose identifier it already holds: the usage was counted by an
/// earlier send (whose answer we lost, or that Stripe answered with a saved 500), so the report is
/// done, not failed. Stripe answers it in two shapes, and neither is recognised by one field:
/// <list type="bullet">
/// <item>v1 (<c>POST /v1/billing/meter_events</c>): 400 <c>invalid_request_error</c> with no code and no
/// param, message "An event already exists with identifier {identifier}." (as integrators observe it,
/// e.g. https://github.com/langfuse/langfuse/pull/16292);</item>
/// <item>v2 (<c>POST /v2/billing/meter_events</c>): 400 with code <c>duplicate_meter_event</c>, the
/// error documented in Stripe's OpenAPI spec (<c>v2.error.duplicate_meter_event</c>).</item>
/// </list>
/// A 400 that merely names the identifier parameter (too long, malformed) is not a duplicate, nor is a
/// 409 (a concurrent call for the same customer and meter) or any 5xx: those stay pending and are resent.
/// </summary>
public static partial class DuplicateMeterEvent
{
    const string DocumentedCode = "duplicate_meter_event";

    public static bool IsAlreadyCounted(StripeFailure failure, string identifier)
    {
        if (failure.Status != HttpStatusCode.BadRequest || failure.CardError) return false;
        if (failure.Code == DocumentedCode) return true;
        // The v1 body carries no code: its message, naming this very identifier, is what identifies it.
        var named = V1Message().Match(failure.Message);
        return named.Success && failure.Code is null && named.Groups["identifier"].Value == identifier;
    }

    [GeneratedRegex(@"^An event already exists with identifier (?<identifier>.+?)\.?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex V1Message();
}
