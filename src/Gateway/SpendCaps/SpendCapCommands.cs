using Credits.Billing.Catalog;
using Credits.Gateway.Customers;
using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Queries;
using Credits.Ledger.Results;
using Credits.Persistence;

namespace Credits.Gateway.SpendCaps;

/// <summary>
/// Sets, reads and removes a customer's spend cap (docs/spend-caps.md), for the API and the portal. The cap goes to the
/// ledger in the request's own transaction, with the events it causes through the outbox: the next usage, entitlement
/// check or reservation already sees it, and raising it resumes overage at once.
/// </summary>
public sealed class SpendCapCommands(CreditLedger ledger, LedgerWork work, BillingCatalog catalog)
{
    /// <summary>
    /// A cap of <paramref name="credits"/> overage credits per period, or of <paramref name="amount"/> minor units of
    /// <paramref name="currency"/>, which must be the plan's, converted at the plan's overage price and rounded down,
    /// so that the overage billed never passes the amount. Exactly one of the two.
    /// </summary>
    public async Task<CommandResult<SpendCapView>> SetAsync(string customerId, long? credits, long? amount, string? currency,
        CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (credits is not null && (amount is not null || currency is not null))
            return Refusal.Invalid("credits", "Give the cap either in credits or as an amount and currency, not both.");
        if (credits is null && amount is null)
            return Refusal.Invalid("credits", "Give the cap in credits ({\"credits\": N}) or as money ({\"amount\": minor units, \"currency\": \"usd\"}).");
        if (credits is < 0 or > LedgerLimits.MaxSpendCap)
            return Refusal.Invalid("credits", $"credits must be between 0 and {LedgerLimits.MaxSpendCap:N0}.");
        if (amount is < 0) return Refusal.Invalid("amount", "amount must not be negative.");

        if (await ledger.GetBalanceAsync(customerId, ct) is not { } balance) return NoAccount(customerId);
        var cap = credits;
        if (amount is { } money)
        {
            if (string.IsNullOrWhiteSpace(currency)) return Refusal.Invalid("currency", "currency is required with amount.");
            if (catalog.Plan(balance.PlanId) is not { OverageAllowed: true, OverageUnitAmount: > 0 } price)
                return Refusal.Invalid("amount", $"Plan '{balance.PlanId}' bills no overage, so an amount has no price to convert at: give the cap in credits.");
            if (!string.Equals(currency, price.Currency, StringComparison.OrdinalIgnoreCase))
                return Refusal.Invalid("currency", $"Plan '{balance.PlanId}' bills overage in {price.Currency}, not {currency}.");
            var converted = decimal.Floor(money / price.OverageUnitAmount);
            if (converted > LedgerLimits.MaxSpendCap)
                return Refusal.Invalid("amount", $"amount comes to more than {LedgerLimits.MaxSpendCap:N0} credits of overage.");
            cap = (long)converted;
        }
        return await ApplyAsync(customerId, cap, ct);
    }

    /// <summary>Removes the cap: overage is billed without a limit again, at once.</summary>
    public async Task<CommandResult<SpendCapView>> RemoveAsync(string customerId, CancellationToken ct = default) =>
        CustomerIds.Check(customerId) is { } badId ? badId : await ApplyAsync(customerId, null, ct);

    public async Task<CommandResult<SpendCapView>> GetAsync(string customerId, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        return await ledger.GetBalanceAsync(customerId, ct) is { } balance ? View(balance) : NoAccount(customerId);
    }

    async Task<CommandResult<SpendCapView>> ApplyAsync(string customerId, long? cap, CancellationToken ct)
    {
        var result = await work.CommitAsync(token => ledger.SetSpendCapAsync(new SetSpendCap
        {
            // The command writes no entry, so one key per customer serves every setting (like the low-balance threshold).
            CustomerId = customerId, IdempotencyKey = $"spend-cap:{customerId}", OverageCap = cap,
        }, token), ct);

        if (result.Outcome == LedgerOutcome.UnknownCustomer) return NoAccount(customerId);
        if (!result.Succeeded) return Refusal.Invalid("credits", result.Reason ?? "The spend cap was refused.");
        return await ledger.GetBalanceAsync(customerId, ct) is { } balance ? View(balance) : NoAccount(customerId);
    }

    SpendCapView View(CreditBalance balance)
    {
        var price = catalog.Plan(balance.PlanId) is { OverageAllowed: true } plan ? plan : null;
        return new SpendCapView(balance.CustomerId, balance.PlanId, balance.OverageCap,
            balance.OverageCap is { } cap && price is not null ? cap * price.OverageUnitAmount : null,
            price?.Currency, balance.OverageThisPeriod, balance.OverageRoom,
            Reached: balance.OverageCap is { } c && price is not null && balance.OverageThisPeriod >= c,
            balance.PeriodStart, balance.PeriodEnd);
    }

    static Refusal NoAccount(string customerId) =>
        new(RefusalKind.UnknownCustomer, "Unknown customer", $"Customer '{customerId}' has no credit account.");
}
