using System.Text.Json;
using Credits.Contracts.Customers;
using Credits.Gateway.Balances;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Console;

/// <summary>
/// An operator grants or revokes credits. The ledger write, its operator log row and the balance notifications it
/// causes commit in one transaction, so there is never a grant without its record or a record without its grant.
/// The Idempotency-Key makes a retry safe: the ledger key is scoped to the customer, a repeat finds the ledger's
/// duplicate and answers the first action from its log row (nothing granted twice, no second row), and a repeat
/// with another request under the same key is refused with 409.
/// </summary>
public sealed class CreditAdjustments(CreditsDbContext db, CreditLedger ledger, OperatorActionLog log, LedgerWork work)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the log row's details hold: the request as asked and what the ledger did.</summary>
    sealed record Record(string Category, long Requested, long Credits, DateTimeOffset? ExpiresAt, string Operator, string IdempotencyKey,
        Guid? GrantId, IReadOnlyList<long> EntryIds, long Available);

    public Task<Results<Created<CreditAdjustment>, Ok<CreditAdjustment>, ProblemHttpResult>> GrantAsync(string customerId,
        GrantCreditsRequest request, string idempotencyKey, string actor, CancellationToken ct) =>
        AdjustAsync(OperatorActionKinds.GrantCredits, new GrantCredits
        {
            CustomerId = customerId, IdempotencyKey = CustomerScopedKey.Of("operator-grant", customerId, idempotencyKey),
            Credits = request.Credits, Source = CreditAdjustmentCategories.SourceOf(request.Category!), ExpiresAt = request.ExpiresAt,
            Note = Note(request.Category!, actor, request.Reason!),
        }, request.Category!, request.Credits, request.ExpiresAt, request.Operator!, request.Reason!, idempotencyKey, actor, ct);

    public Task<Results<Created<CreditAdjustment>, Ok<CreditAdjustment>, ProblemHttpResult>> RevokeAsync(string customerId,
        RevokeCreditsRequest request, string idempotencyKey, string actor, CancellationToken ct) =>
        AdjustAsync(OperatorActionKinds.RevokeCredits, new RevokeCredits
        {
            CustomerId = customerId, IdempotencyKey = CustomerScopedKey.Of("operator-revoke", customerId, idempotencyKey),
            Credits = request.Credits, Note = Note(request.Category!, actor, request.Reason!),
        }, request.Category!, request.Credits, null, request.Operator!, request.Reason!, idempotencyKey, actor, ct);

    /// <summary>The ledger entry says who and why too, so the ledger alone explains a manual entry.</summary>
    static string Note(string category, string actor, string reason) =>
        $"{category} by {actor}: {(reason.Length > 200 ? reason[..200] + "…" : reason)}";

    async Task<Results<Created<CreditAdjustment>, Ok<CreditAdjustment>, ProblemHttpResult>> AdjustAsync(string action, LedgerCommand command,
        string category, long requested, DateTimeOffset? expiresAt, string operatorName, string reason, string idempotencyKey, string actor,
        CancellationToken ct)
    {
        return await work.RunAsync<Results<Created<CreditAdjustment>, Ok<CreditAdjustment>, ProblemHttpResult>>(async (unit, token) =>
        {
            var result = (await ledger.ApplyAsync([command], token))[0];
            if (result.Outcome == LedgerOutcome.Duplicate)
            {
                // The first action committed its log row with its ledger entries: answer from it, or refuse other content.
                var first = await db.Set<OperatorAction>().AsNoTracking()
                    .SingleOrDefaultAsync(a => a.CustomerId == command.CustomerId && a.Action == action && a.Subject == command.IdempotencyKey, token);
                var record = first is null ? null : JsonSerializer.Deserialize<Record>(first.Details, Json);
                if (first is null || record is null || record.Category != category || record.Requested != requested
                    || record.ExpiresAt != expiresAt || record.Operator != operatorName || first.Reason != reason)
                    return KeyReused(idempotencyKey);
                return TypedResults.Ok(View(first, action, command.CustomerId, record, repeated: true));
            }
            if (result.Outcome != LedgerOutcome.Applied)
                return LedgerResults.Problem(result); // nothing written: the transaction rolls back on dispose

            var keyHash = EntryHashes.Key(command.IdempotencyKey);
            var entryIds = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.KeyHash == keyHash && e.IdempotencyKey == command.IdempotencyKey)
                .OrderBy(e => e.Sequence).Select(e => e.Id).ToListAsync(token);
            var done = new Record(category, requested, action == OperatorActionKinds.GrantCredits ? result.Granted : result.Reversed, expiresAt,
                operatorName, idempotencyKey, result.GrantId, entryIds, result.Account?.Available ?? 0);
            var entry = log.Add(actor, action, reason, command.CustomerId, command.IdempotencyKey, done);
            // A grant or revocation moves the balance like any other: low-balance and exhausted events go out as usual.
            await unit.CommitAsync(result, token);

            var view = View(entry, action, command.CustomerId, done, repeated: false);
            return TypedResults.Created($"/console/api/operator-actions?customerId={Uri.EscapeDataString(command.CustomerId)}", view);
        }, ct);
    }

    static CreditAdjustment View(OperatorAction entry, string action, string customerId, Record r, bool repeated) =>
        new(entry.Id, action, customerId, r.Category, r.Requested, r.Credits, r.GrantId, r.EntryIds, r.ExpiresAt, r.Available, entry.Actor,
            entry.Reason, entry.At, repeated);

    static ProblemHttpResult KeyReused(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key reused",
            detail: $"The Idempotency-Key '{key}' was used before for a different request.");
}
