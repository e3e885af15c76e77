using Credits.Billing.Catalog;
using Credits.Ledger.Plans;
using Credits.Sagas;

namespace Credits.Gateway.Portal;

/// <summary>
/// What a plan change will do, before the customer confirms it, by the same rules the plan change saga
/// follows: an upgrade (a higher flat fee) happens now, Stripe invoicing the prorated difference of the flat
/// fees for the rest of the period (<c>always_invoice</c>) and the ledger granting the new plan's included
/// credits for the same share (<see cref="CreditProration"/>); a downgrade waits for the period end, charges
/// nothing now, and the old plan's overage so far is billed with the final invoice.
/// </summary>
public sealed record PlanChangePreview
{
    public required string FromPlanId { get; init; }
    public required string ToPlanId { get; init; }
    /// <summary>"upgrade" or "downgrade".</summary>
    public required string Kind { get; init; }
    public required DateTimeOffset EffectiveAt { get; init; }
    /// <summary>Charged now, in minor units: 0 for a downgrade. Stripe computes the invoice to the second, so it may differ by a cent.</summary>
    public required long AmountDueNow { get; init; }
    public required string Currency { get; init; }
    /// <summary>Credits granted with the change (an upgrade's prorated allowance), 0 for a downgrade.</summary>
    public required long CreditsGrantedNow { get; init; }
    /// <summary>The share of the period still to run, 0..1.</summary>
    public required decimal RemainingShare { get; init; }
    /// <summary>The flat fee from the next period on.</summary>
    public required long NextPeriodAmount { get; init; }
    public required long NextPeriodCredits { get; init; }
    public required bool NextPeriodOverage { get; init; }
    /// <summary>Sentences for people: what happens now and at the period end.</summary>
    public required IReadOnlyList<string> Summary { get; init; }

    public static PlanChangePreview Compute(PlanPrice fromPrice, PlanDefinition from, PlanPrice toPrice, PlanDefinition to,
        DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset now)
    {
        var share = ShareLeft(periodStart, periodEnd, now);
        var upgrade = toPrice.FlatMonthlyAmount > fromPrice.FlatMonthlyAmount;
        var currency = toPrice.Currency;
        if (upgrade)
        {
            // Stripe credits the unused time on the old price and charges the remaining time on the new one,
            // each rounded to the cent.
            var due = Round(toPrice.FlatMonthlyAmount * share) - Round(fromPrice.FlatMonthlyAmount * share);
            var credits = CreditProration.ForUpgrade(to.IncludedCredits, periodStart, periodEnd, now);
            return new PlanChangePreview
            {
                FromPlanId = from.Id, ToPlanId = to.Id, Kind = "upgrade", EffectiveAt = now, AmountDueNow = due, Currency = currency,
                CreditsGrantedNow = credits, RemainingShare = share, NextPeriodAmount = toPrice.FlatMonthlyAmount,
                NextPeriodCredits = to.IncludedCredits, NextPeriodOverage = to.OverageAllowed,
                Summary =
                [
                    $"Now: {Money.Format(due, currency)} for the rest of this period ({share * 100:0}% of it), and {credits:N0} {to.DisplayName} credits.",
                    $"From {periodEnd:yyyy-MM-dd}: {Money.Format(toPrice.FlatMonthlyAmount, currency)} a month with {to.IncludedCredits:N0} credits"
                        + (to.OverageAllowed ? $", then {Money.FormatUnit(toPrice.OverageUnitAmount, currency)} per extra credit." : "."),
                ],
            };
        }
        return new PlanChangePreview
        {
            FromPlanId = from.Id, ToPlanId = to.Id, Kind = "downgrade", EffectiveAt = periodEnd, AmountDueNow = 0, Currency = currency,
            CreditsGrantedNow = 0, RemainingShare = share, NextPeriodAmount = toPrice.FlatMonthlyAmount,
            NextPeriodCredits = to.IncludedCredits, NextPeriodOverage = to.OverageAllowed,
            Summary =
            [
                $"Nothing is charged now; you keep {from.DisplayName} until {periodEnd:yyyy-MM-dd}.",
                from.OverageAllowed ? "Overage used until then is billed on the final invoice of this period." : "Your credits this period are unchanged.",
                $"From {periodEnd:yyyy-MM-dd}: {Money.Format(toPrice.FlatMonthlyAmount, currency)} a month with {to.IncludedCredits:N0} credits"
                    + (to.OverageAllowed ? "." : "; usage stops when they run out (no overage)."),
            ],
        };
    }

    static decimal ShareLeft(DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset now)
    {
        if (periodEnd <= periodStart || now <= periodStart) return 1m;
        if (now >= periodEnd) return 0m;
        return (decimal)(periodEnd - now).Ticks / (periodEnd - periodStart).Ticks;
    }

    static long Round(decimal amount) => (long)Math.Round(amount, MidpointRounding.AwayFromZero);
}
