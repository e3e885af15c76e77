using System.Text;
using Credits.Gateway.Authentication;
using Credits.Ledger;
using Credits.Ledger.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Credits.Gateway.Balances;

/// <summary>
/// What a customer's usage went on: a breakdown by feature or model, and the ledger as CSV for a period. Both default
/// to the customer's current billing period and cover at most <see cref="CreditLedger.MaxUsageSpan"/>.
/// </summary>
public static class UsageInsightApi
{
    public static RouteGroupBuilder MapUsageInsightApiV1(this RouteGroupBuilder v1)
    {
        var customers = v1.MapGroup("/customers/{customerId}").WithTags("Balances").RequireScope(ApiScopes.Read);
        customers.MapGet("/usage", GetBreakdown)
            .WithSummary("Usage by feature or model: credits, events and native quantities, ?from=&to= (default: the current period)")
            .WithDescription("By when the usage occurred. Credits are whole credits taken (debited, overage, written off).");
        customers.MapGet("/ledger/export", Export)
            .WithSummary("The ledger's entries recorded from ?from= to ?to= as CSV (default: the current period)")
            .WithDescription("Oldest first, one line per entry with the pricing of priced usage; streamed, at most 366 days.");
        return v1;
    }

    static async Task<Results<Ok<UsageBreakdown>, ProblemHttpResult>> GetBreakdown(string customerId, DateTimeOffset? from, DateTimeOffset? to,
        CreditLedger ledger, CancellationToken ct)
    {
        if (await ledger.GetBalanceAsync(customerId, ct) is not { } balance) return BalanceApi.UnknownCustomer(customerId);
        var (start, end) = (from ?? balance.PeriodStart, to ?? balance.PeriodEnd);
        if (InvalidRange(start, end) is { } problem) return problem;
        return TypedResults.Ok(await ledger.GetUsageBreakdownAsync(customerId, start, end, ct));
    }

    /// <summary>The export for the API and the portal (which offers the current period): one home for both.</summary>
    public static async Task<IResult> Export(string customerId, DateTimeOffset? from, DateTimeOffset? to, CreditLedger ledger, CancellationToken ct)
    {
        if (await ledger.GetBalanceAsync(customerId, ct) is not { } balance) return BalanceApi.UnknownCustomer(customerId);
        var (start, end) = (from ?? balance.PeriodStart, to ?? balance.PeriodEnd);
        if (InvalidRange(start, end) is { } problem) return problem;
        var name = $"ledger-{start.UtcDateTime:yyyyMMdd}-{end.UtcDateTime:yyyyMMdd}.csv";
        return Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024);
            await writer.WriteAsync(LedgerCsv.Header + "\r\n");
            await ledger.ExportEntriesAsync(customerId, start, end, entry => writer.WriteAsync(LedgerCsv.Line(entry)), ct);
        }, "text/csv; charset=utf-8", name);
    }

    static ProblemHttpResult? InvalidRange(DateTimeOffset from, DateTimeOffset to) =>
        from >= to ? TypedResults.Problem(statusCode: 400, title: "Invalid period", detail: "from must be before to.")
        : to - from > CreditLedger.MaxUsageSpan
            ? TypedResults.Problem(statusCode: 400, title: "Invalid period", detail: $"from and to may be at most {CreditLedger.MaxUsageSpan.TotalDays:0} days apart.")
        : null;
}
