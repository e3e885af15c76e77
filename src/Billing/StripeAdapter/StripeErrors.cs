using System.Net;
using global::Stripe;

namespace Credits.Billing.StripeAdapter;

/// <summary>
/// Which Stripe errors are worth retrying: network failures, timeouts, 409 (lock conflict), 429 (rate
/// limit) and 5xx. Everything else (400 validation, 402 card errors, 401/403, 404) is permanent.
/// </summary>
public static class StripeErrors
{
    public static StripeFailure Classify(Exception exception) => exception switch
    {
        StripeException s when (int)s.HttpStatusCode == 0 =>
            new(true, null, "network", null, null, s.Message, null),
        StripeException s => new(
            IsTransient(s.HttpStatusCode),
            s.HttpStatusCode, s.StripeError?.Type, s.StripeError?.Code, s.StripeError?.DeclineCode,
            s.StripeError?.Message ?? s.Message, s.StripeResponse?.RequestId, s.StripeError?.Param),
        HttpRequestException or TaskCanceledException or TimeoutException or IOException =>
            new(true, null, "network", null, null, exception.Message, null),
        _ => new(false, null, "unexpected", null, null, exception.Message, null),
    };

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The v2 meter event session token has expired: make a new session and resend.</summary>
    public static bool IsSessionExpired(StripeFailure failure) =>
        failure.Status == HttpStatusCode.Unauthorized && (failure.Type == SessionExpired || failure.Code == SessionExpired);

    const string SessionExpired = "temporary_session_expired";
}
