using Credits.Persistence.Promotions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Promotions;

/// <summary>
/// Why a code was not redeemed, as RFC 7807 problem details with a stable <c>reason</c> the app and the portal can
/// switch on: the request is wrong (400), the code does not exist (404), it is used up (409), or it exists but does
/// not apply to this customer now (422). Nothing was granted in any of them.
/// </summary>
public static class PromotionRefusals
{
    public const string InvalidCode = "invalid-code";
    public const string UnknownCode = "unknown-code";
    public const string NotYetValid = "not-yet-valid";
    public const string Expired = "expired";
    public const string Exhausted = "exhausted";
    public const string OtherPlan = "other-plan";

    public static ProblemHttpResult Invalid() =>
        Problem(StatusCodes.Status400BadRequest, "Invalid promotion code", $"Send a code: {PromotionCodeText.Rule}.", InvalidCode,
            new Dictionary<string, string[]> { ["code"] = [PromotionCodeText.Rule] });

    public static ProblemHttpResult Unknown(string code) =>
        Problem(StatusCodes.Status404NotFound, "Unknown promotion code", $"There is no promotion code '{code}'.", UnknownCode);

    public static ProblemHttpResult NotYet(string code, DateTimeOffset from) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "Promotion not started", $"The code '{code}' can be redeemed from {from:u}.", NotYetValid);

    public static ProblemHttpResult Ended(string code) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "Promotion expired", $"The code '{code}' has expired.", Expired);

    public static ProblemHttpResult UsedUp(string code) =>
        Problem(StatusCodes.Status409Conflict, "Promotion used up", $"The code '{code}' has been redeemed as often as it may be.", Exhausted);

    public static ProblemHttpResult NotForPlan(string code, string planId) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "Promotion not for this plan", $"The code '{code}' is for customers on the '{planId}' plan.", OtherPlan);

    static ProblemHttpResult Problem(int status, string title, string detail, string reason, Dictionary<string, string[]>? errors = null)
    {
        var extensions = new Dictionary<string, object?> { ["reason"] = reason };
        if (errors is not null) extensions["errors"] = errors;
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }
}
