using System.Security.Claims;
using Credits.Gateway.Console;
using Credits.Ledger;
using Credits.Ledger.Plans;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Credits.Persistence.Promotions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Gateway.Promotions;

/// <summary>
/// Operators create promotion codes on the console: checked field by field (400 naming the field), written with their
/// row of the operator log in one SaveChanges, refused with 409 when the code exists. A code is never changed or
/// deleted through the API: a campaign ends at its ValidUntil, and every redemption keeps the terms it was granted on.
/// </summary>
public sealed class PromotionCodes(CreditsDbContext db, OperatorActionLog log, PlanCatalog plans, TimeProvider clock)
{
    public const int MaxDescriptionLength = 500;

    public async Task<Results<Created<PromotionCodeView>, ProblemHttpResult>> CreateAsync(CreatePromotionRequest request, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (Problem(request, now) is { } bad) return bad;
        var actor = OperatorFields.Actor(request.Operator!, user);

        var code = new PromotionCode
        {
            Code = PromotionCodeText.Normalize(request.Code)!, Credits = request.Credits,
            // Npgsql writes timestamptz from UTC offsets only; a client may send any offset.
            GrantExpiresAfterDays = request.GrantExpiresAfterDays, GrantExpiresAt = request.GrantExpiresAt?.ToUniversalTime(),
            ValidFrom = request.ValidFrom?.ToUniversalTime(), ValidUntil = request.ValidUntil?.ToUniversalTime(), MaxRedemptions = request.MaxRedemptions,
            PlanId = request.PlanId, Description = request.Description?.Trim() ?? "", CreatedAt = now, CreatedBy = actor,
        };
        db.Add(code);
        log.Add(actor, OperatorActionKinds.CreatePromotion, request.Reason!, subject: code.Code, details: View(code));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Promotion code exists",
                detail: $"There is a promotion code '{code.Code}' already; codes are compared without case and never reused.");
        }
        return TypedResults.Created($"/console/api/promotions/{code.Code}", View(code));
    }

    public async Task<List<PromotionCodeView>> ListAsync(int limit, CancellationToken ct) =>
        (await db.Set<PromotionCode>().AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(limit).ToListAsync(ct)).Select(View).ToList();

    public async Task<PromotionCodeView?> FindAsync(string code, CancellationToken ct) =>
        PromotionCodeText.Normalize(code) is { } normalized
        && await db.Set<PromotionCode>().AsNoTracking().SingleOrDefaultAsync(c => c.Code == normalized, ct) is { } found
            ? View(found)
            : null;

    ProblemHttpResult? Problem(CreatePromotionRequest r, DateTimeOffset now) =>
        (PromotionCodeText.Normalize(r.Code) is null ? OperatorFields.Invalid("code", $"code is required: {PromotionCodeText.Rule}.") : null)
        ?? (LedgerLimits.CheckCredits(r.Credits) is { } credits ? OperatorFields.Invalid("credits", credits + ".") : null)
        ?? (r.GrantExpiresAfterDays is < 1 or > TrialCredits.MaxExpireAfterDays
            ? OperatorFields.Invalid("grantExpiresAfterDays", $"grantExpiresAfterDays must be between 1 and {TrialCredits.MaxExpireAfterDays} (or left out).")
            : null)
        ?? (r.GrantExpiresAt <= now ? OperatorFields.Invalid("grantExpiresAt", "grantExpiresAt must be in the future (or left out).") : null)
        ?? (r.ValidUntil <= now ? OperatorFields.Invalid("validUntil", "validUntil must be in the future (or left out: no end).") : null)
        ?? (r.ValidFrom >= r.ValidUntil ? OperatorFields.Invalid("validFrom", "validFrom must be before validUntil.") : null)
        ?? (r.MaxRedemptions is < 1 ? OperatorFields.Invalid("maxRedemptions", "maxRedemptions must be at least 1 (or left out: unlimited).") : null)
        ?? (r.PlanId is not null && !plans.Contains(r.PlanId)
            ? OperatorFields.Invalid("planId", $"There is no plan '{r.PlanId}'; plans: {string.Join(", ", plans.All.Select(p => p.Id))}.")
            : null)
        ?? (r.Description is not null && (r.Description.Length > MaxDescriptionLength || LedgerLimits.HasControlCharacters(r.Description))
            ? OperatorFields.Invalid("description", $"description must be at most {MaxDescriptionLength} characters on one line.")
            : null)
        ?? OperatorFields.Check(r.Operator, r.Reason);

    static PromotionCodeView View(PromotionCode c) =>
        new(c.Code, c.Credits, c.GrantExpiresAfterDays, c.GrantExpiresAt, c.ValidFrom, c.ValidUntil, c.MaxRedemptions, c.Redemptions,
            c.PlanId, c.Description, c.CreatedAt, c.CreatedBy);
}
