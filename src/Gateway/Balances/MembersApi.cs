using Credits.Gateway.Authentication;
using Credits.Ledger;
using Credits.Ledger.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Balances;

/// <summary>
/// Shared balances: the customer is the organization, whose plan, top-ups and caps pay for everything; its members (the
/// app's user ids, named on usage as memberId) have their usage attributed to them and may each have a limit per period.
/// </summary>
public static class MembersApi
{
    public record MemberLimitRequest(long LimitPerPeriod);

    public static RouteGroupBuilder MapMembersApiV1(this RouteGroupBuilder v1)
    {
        var members = v1.MapGroup("/customers/{customerId}/members").WithTags("Balances");
        members.MapGet("", List).RequireScope(ApiScopes.Read)
            .WithSummary("The members of a shared balance: limit per period, used and left this period");
        members.MapPut("/{memberId}", SetLimit).RequireScope(ApiScopes.Admin)
            .WithSummary("Set a member's limit per period; creates the member")
            .WithDescription("Takes effect for the member's next usage: beyond its limit, usage is written off (recorded, not billed).");
        members.MapDelete("/{memberId}/limit", RemoveLimit).RequireScope(ApiScopes.Admin)
            .WithSummary("Remove a member's limit: it spends the organization's balance like any usage");
        return v1;
    }

    static async Task<Results<Ok<IReadOnlyList<MemberView>>, ProblemHttpResult>> List(string customerId, CreditLedger ledger, CancellationToken ct) =>
        await ledger.GetMembersAsync(customerId, ct: ct) is { } list ? TypedResults.Ok(list) : BalanceApi.UnknownCustomer(customerId);

    static async Task<Results<Ok<MemberView>, ValidationProblem, ProblemHttpResult>> SetLimit(string customerId, string memberId,
        MemberLimitRequest request, CreditLedger ledger, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (LedgerLimits.CheckMemberId(memberId) is { } problem) errors["memberId"] = [problem + "."];
        if (request.LimitPerPeriod is < 0 or > LedgerLimits.MaxBalance)
            errors["limitPerPeriod"] = [$"limitPerPeriod must be between 0 and {LedgerLimits.MaxBalance:N0} (DELETE .../limit removes it)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid member limit");
        return await ledger.SetMemberLimitAsync(customerId, memberId, request.LimitPerPeriod, ct) is { } member
            ? TypedResults.Ok(member)
            : BalanceApi.UnknownCustomer(customerId);
    }

    static async Task<Results<Ok<MemberView>, ValidationProblem, ProblemHttpResult>> RemoveLimit(string customerId, string memberId,
        CreditLedger ledger, CancellationToken ct)
    {
        if (LedgerLimits.CheckMemberId(memberId) is { } problem)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["memberId"] = [problem + "."] }, title: "Invalid member");
        return await ledger.SetMemberLimitAsync(customerId, memberId, null, ct) is { } member
            ? TypedResults.Ok(member)
            : BalanceApi.UnknownCustomer(customerId);
    }
}
