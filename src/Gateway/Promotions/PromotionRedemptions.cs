using Credits.Contracts.Customers;
using Credits.Contracts.Promotions;
using Credits.Gateway.Balances;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Messaging;
using Credits.Persistence;
using Credits.Persistence.Promotions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Gateway.Promotions;

/// <summary>
/// A customer redeems a promotion code (the app through /v1, the customer in the portal). One transaction: lock the
/// code's row, so concurrent redemptions of one code take turns and its overall limit holds; answer a customer who
/// redeemed it before with that first redemption (200, nothing granted); else check the window, the plan and the limit,
/// grant through the ledger under a key of the customer and the code, count the redemption, store it, publish
/// PromotionRedeemed through the outbox, commit. docs/promotions.md.
/// </summary>
public sealed class PromotionRedemptions(CreditsDbContext db, CreditLedger ledger, LedgerWork work, TimeProvider clock)
{
    public const string Api = "api";
    public const string Portal = "portal";

    public async Task<Results<Created<PromotionRedemptionView>, Ok<PromotionRedemptionView>, ProblemHttpResult>> RedeemAsync(
        string customerId, string? codeText, string channel, CancellationToken ct)
    {
        if (PromotionCodeText.Normalize(codeText) is not { } code) return PromotionRefusals.Invalid();
        // The plan a code may be restricted to is the ledger's: the plan of the customer's current period.
        if (await ledger.GetBalanceAsync(customerId, ct) is not { } balance) return BalanceApi.UnknownCustomer(customerId);

        try
        {
            return await RedeemOnceAsync(customerId, code, balance.PlanId, channel, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The code row's lock makes this unreachable; the key is the last line of defence, and its answer is the first redemption.
            db.ChangeTracker.Clear();
            if (await FindAsync(code, customerId, ct) is not { } first) throw;
            return TypedResults.Ok(View(first, (await ledger.GetBalanceAsync(customerId, ct))?.Available ?? 0, repeated: true));
        }
    }

    async Task<Results<Created<PromotionRedemptionView>, Ok<PromotionRedemptionView>, ProblemHttpResult>> RedeemOnceAsync(
        string customerId, string code, string planId, string channel, CancellationToken ct)
    {
        PromotionRedemption? earlier = null;
        var answer = await work.RunAsync<Results<Created<PromotionRedemptionView>, Ok<PromotionRedemptionView>, ProblemHttpResult>?>(async (unit, token) =>
        {
            // FOR UPDATE: one redemption of a code at a time. A waiter reads the row as its predecessor committed it
            // (READ COMMITTED), so the count it checks and every query after the lock see the predecessor's work.
            // The column list comes from the model, the code is a parameter.
            var locking = $"SELECT {MappedTable.Columns<PromotionCode>(db)} FROM promotion_codes WHERE code = {{0}} FOR UPDATE";
            var promotion = (await db.Set<PromotionCode>().FromSqlRaw(locking, code).ToListAsync(token)).SingleOrDefault();
            if (promotion is null) return PromotionRefusals.Unknown(code);

            // Once per customer, and idempotent: the same customer again is answered with the first redemption, even
            // after the code has since expired or run out (below, once the transaction has let the lock go).
            if (await FindAsync(code, customerId, token) is { } found)
            {
                earlier = found;
                return null;
            }

            var now = clock.GetUtcNow();
            var expiresAt = promotion.GrantExpiryFor(now);
            if (promotion.ValidFrom is { } from && now < from) return PromotionRefusals.NotYet(code, from);
            // A fixed grant expiry already past would grant credits that lapse at once: the promotion is over.
            if (promotion.ValidUntil <= now || expiresAt <= now) return PromotionRefusals.Ended(code);
            if (promotion.PlanId is { } only && only != planId) return PromotionRefusals.NotForPlan(code, only);
            if (promotion.MaxRedemptions is { } max && promotion.Redemptions >= max) return PromotionRefusals.UsedUp(code);

            var grant = new GrantCredits
            {
                CustomerId = customerId, IdempotencyKey = CustomerScopedKey.Of("promotion", customerId, code),
                Credits = promotion.Credits, Source = GrantSource.Promotion, ExpiresAt = expiresAt, Note = $"promotion code {code} ({channel})",
            };
            var result = await ledger.GrantAsync(grant, token);
            // Nothing is written unless the ledger granted now: the transaction rolls back.
            if (result.Outcome != LedgerOutcome.Applied) return LedgerResults.Problem(result);

            promotion.Redemptions++;
            var redemption = new PromotionRedemption
            {
                Code = code, CustomerId = customerId, RedeemedAt = now, Credits = promotion.Credits, ExpiresAt = expiresAt,
                GrantId = result.GrantId!.Value, LedgerKey = grant.IdempotencyKey, Channel = channel,
            };
            db.Add(redemption);
            await unit.Publish.Publish(new PromotionRedeemed
            {
                CustomerId = customerId, Code = code, Credits = redemption.Credits, GrantId = redemption.GrantId, ExpiresAt = expiresAt,
                Channel = channel, RedeemedAt = now,
            }, token);
            await unit.CommitAsync(result, token);

            var list = channel == Portal ? "/portal/api/promotions" : $"/v1/customers/{Uri.EscapeDataString(customerId)}/promotions";
            return TypedResults.Created(list, View(redemption, result.Account?.Available ?? 0, repeated: false));
        }, ct);
        // The balance of a repeat is read after the code's lock is let go: it may have moved since the first redemption.
        return answer ?? TypedResults.Ok(View(earlier!, (await ledger.GetBalanceAsync(customerId, ct))?.Available ?? 0, repeated: true));
    }

    /// <summary>The customer's redemptions, newest first.</summary>
    public async Task<List<RedeemedPromotion>> ListAsync(string customerId, int limit, CancellationToken ct) =>
        (await db.Set<PromotionRedemption>().AsNoTracking().Where(r => r.CustomerId == customerId)
            .OrderByDescending(r => r.RedeemedAt).Take(limit).ToListAsync(ct))
        .Select(r => new RedeemedPromotion(r.Code, r.Credits, r.ExpiresAt, r.RedeemedAt, r.Channel)).ToList();

    Task<PromotionRedemption?> FindAsync(string code, string customerId, CancellationToken ct) =>
        db.Set<PromotionRedemption>().AsNoTracking().SingleOrDefaultAsync(r => r.Code == code && r.CustomerId == customerId, ct);

    static PromotionRedemptionView View(PromotionRedemption r, long available, bool repeated) =>
        new(r.Code, r.CustomerId, r.Credits, r.GrantId, r.ExpiresAt, r.RedeemedAt, r.Channel, available, repeated);
}
