using Credits.Billing.Catalog;
using Credits.Gateway.Operations;
using Credits.Ledger;
using Credits.Ledger.Model;
using Credits.Ledger.Plans;
using Credits.Persistence;
using Credits.Persistence.Cards;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Portal;

/// <summary>One customer's account as the portal page shows it: ledger, subscription, catalog and operations.</summary>
public sealed class PortalQueries(CreditsDbContext db, CreditLedger ledger, BillingCatalog prices, PlanCatalog plans, TimeProvider clock)
{
    public async Task<PortalAccount?> AccountAsync(string customerId, CancellationToken ct)
    {
        if (await ledger.GetBalanceAsync(customerId, ct) is not { } balance) return null;
        var now = clock.GetUtcNow();
        var grants = await db.Set<CreditGrant>().AsNoTracking()
            .Where(g => g.CustomerId == customerId && g.Remaining > 0 && g.EffectiveAt <= now && (g.ExpiresAt == null || g.ExpiresAt > now))
            .OrderBy(g => g.Priority).ThenBy(g => g.ExpiresAt).ThenBy(g => g.CreatedAt)
            .Select(g => new { g.Source, g.Remaining, g.Amount, g.EffectiveAt, g.ExpiresAt })
            .ToListAsync(ct);
        var customer = await db.Set<CustomerLifecycleState>().AsNoTracking().SingleOrDefaultAsync(c => c.CustomerId == customerId, ct);
        var autoTopUp = await db.Set<AutoTopUpState>().AsNoTracking().SingleOrDefaultAsync(a => a.CustomerId == customerId, ct);
        var card = await db.Set<SavedCard>().AsNoTracking().SingleOrDefaultAsync(c => c.CustomerId == customerId, ct);

        return new PortalAccount(customerId, customer?.Name, balance.PlanId, customer?.SubscriptionStatus, balance,
            grants.Select(g => new PortalGrant(g.Source.ToString(), g.Remaining, g.Amount, g.EffectiveAt, g.ExpiresAt)).ToList(),
            Plans(balance.PlanId),
            prices.Packs.Select(p => new PortalPack(p.Id, p.DisplayName is { Length: > 0 } n ? n : $"{p.Credits:N0} credits", p.Credits, p.Amount, p.Currency)).ToList(),
            autoTopUp is null ? null : new PortalAutoTopUp(autoTopUp.Enabled, autoTopUp.Threshold, autoTopUp.Credits, autoTopUp.Amount,
                autoTopUp.Currency, autoTopUp.PurchaseId is not null, Customers.AutoTopUpSafety.Of(autoTopUp, now)),
            CanBuy: customer is { CurrentState: "Active", StripeCustomerId: not null },
            Card: Customers.SavedCardView.From(card));
    }

    public List<PortalPlan> Plans(string currentPlanId) =>
        prices.Plans.Where(p => plans.Contains(p.Id)).OrderBy(p => p.FlatMonthlyAmount).Select(p =>
        {
            var definition = plans.Get(p.Id);
            return new PortalPlan(p.Id, p.DisplayName is { Length: > 0 } n ? n : definition.DisplayName, p.FlatMonthlyAmount, p.Currency,
                definition.IncludedCredits, definition.OverageAllowed, p.OverageUnitAmount, p.Id == currentPlanId);
        }).ToList();

    /// <summary>
    /// Usage per day of the current period, from the ledger's debit, overage and write-off entries, and by feature or
    /// model (<see cref="CreditLedger.GetUsageBreakdownAsync"/>).
    /// </summary>
    public async Task<PortalUsage?> UsageAsync(string customerId, CancellationToken ct)
    {
        var account = await db.Set<LedgerAccount>().AsNoTracking().SingleOrDefaultAsync(a => a.CustomerId == customerId, ct);
        if (account is null) return null;
        var days = await db.Database.SqlQuery<UsageDay>($"""
            SELECT date_trunc('day', occurred_at, 'UTC') AS "Day",
                   coalesce(sum(quantity) FILTER (WHERE kind = 'Debit'), 0)::bigint AS "Debited",
                   coalesce(sum(quantity) FILTER (WHERE kind = 'Overage'), 0)::bigint AS "Overage",
                   coalesce(sum(quantity) FILTER (WHERE kind = 'WriteOff'), 0)::bigint AS "WrittenOff"
            FROM ledger_entries
            WHERE customer_id = {customerId} AND period_start = {account.PeriodStart} AND kind IN ('Debit', 'Overage', 'WriteOff')
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(ct);
        var breakdown = await ledger.GetUsageBreakdownAsync(customerId, account.PeriodStart, account.PeriodEnd, ct);
        return new PortalUsage(account.PeriodStart, account.PeriodEnd, days, breakdown.Features, breakdown.Members);
    }

    /// <summary>The customer's latest plan changes and purchases, newest first.</summary>
    public async Task<List<PortalOperation>> OperationsAsync(string customerId, int limit, CancellationToken ct)
    {
        var changes = await db.Set<PlanChangeState>().AsNoTracking().Where(p => p.CustomerId == customerId)
            .OrderByDescending(p => p.CreatedAt).Take(limit).ToListAsync(ct);
        var purchases = await db.Set<TopUpState>().AsNoTracking().Where(p => p.CustomerId == customerId)
            .OrderByDescending(p => p.CreatedAt).Take(limit).ToListAsync(ct);
        var cardSetups = await db.Set<CardSetupState>().AsNoTracking().Where(p => p.CustomerId == customerId)
            .OrderByDescending(p => p.CreatedAt).Take(limit).ToListAsync(ct);
        return changes.Select(Operation).Concat(purchases.Select(Operation)).Concat(cardSetups.Select(Operation))
            .OrderByDescending(o => o.CreatedAt).Take(limit).Select(ForCustomer).ToList();
    }

    public async Task<PortalOperation?> OperationAsync(string customerId, Guid id, CancellationToken ct)
    {
        if (await db.Set<PlanChangeState>().AsNoTracking().SingleOrDefaultAsync(p => p.CorrelationId == id && p.CustomerId == customerId, ct) is { } change)
            return ForCustomer(Operation(change));
        if (await db.Set<TopUpState>().AsNoTracking().SingleOrDefaultAsync(p => p.CorrelationId == id && p.CustomerId == customerId, ct) is { } purchase)
            return ForCustomer(Operation(purchase));
        if (await db.Set<CardSetupState>().AsNoTracking().SingleOrDefaultAsync(p => p.CorrelationId == id && p.CustomerId == customerId, ct) is { } setup)
            return ForCustomer(Operation(setup));
        return null;
    }

    public static PortalOperation Operation(PlanChangeState p) => new(p.CorrelationId, "plan-change",
        $"{(p.Kind == "downgrade" ? "Downgrade" : "Upgrade")} from {p.FromPlanId} to {p.ToPlanId}", p.CurrentState,
        p.CurrentState switch
        {
            "Completed" => "completed",
            "Failed" or "CompensationFailed" or "GrantFailed" or "Rejected" => "failed",
            "WaitingForPeriodEnd" => "scheduled",
            _ => "in-progress",
        },
        // An upgrade without a card sends the customer to Stripe's page to give one (CheckoutUrl while AwaitingCard).
        Lines(p.Steps), p.LastError, p.CurrentState == "AwaitingCard" ? p.CardCheckoutUrl : null, p.CreatedAt, p.UpdatedAt);

    public static PortalOperation Operation(TopUpState t) => new(t.CorrelationId, "purchase",
        $"{t.Credits:N0} credits for {Money.Format(t.Amount, t.Currency)}" + (t.UseSavedCard ? " (saved card)" : ""), t.CurrentState,
        t.CurrentState switch
        {
            "Completed" => "completed",
            "Cancelled" => "failed",
            "Refunding" or "Refunded" => "refunded",
            "Disputed" => "disputed",
            "DisputeLost" => "charged-back",
            _ => "in-progress",
        },
        [], t.LastError, t.CurrentState == "AwaitingPayment" ? t.CheckoutUrl : null, t.CreatedAt, t.UpdatedAt);

    public static PortalOperation Operation(CardSetupState s) => new(s.CorrelationId, "card-setup", "Add or replace the card", s.CurrentState,
        s.CurrentState switch
        {
            "Completed" => "completed",
            "Expired" or "Failed" => "failed",
            _ => "in-progress",
        },
        [], s.LastError, s.CurrentState == "AwaitingCard" ? s.CheckoutUrl : null, s.CreatedAt, s.UpdatedAt);

    /// <summary>The customer sees safe reasons (CustomerFacingReasons); the console shows <see cref="Operation(PlanChangeState)"/> as it is.</summary>
    static PortalOperation ForCustomer(PortalOperation o) => o with
    {
        Steps = o.Steps.Select(CustomerFacingReasons.StepLine).ToList(),
        Error = o.Type switch
        {
            "purchase" => CustomerFacingReasons.ForPurchase(o.Error),
            "card-setup" => CustomerFacingReasons.ForCardSetup(o.Error),
            _ => CustomerFacingReasons.ForPlanChange(o.Error),
        },
    };

    static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
