namespace Credits.Gateway.SpendCaps;

/// <summary>
/// A customer's spend cap as the ledger has it now (GET/PUT/DELETE /v1/customers/{id}/spend-cap). The cap is kept in
/// overage credits per period (<paramref name="Credits"/>, null = no cap); <paramref name="Amount"/> is what those
/// credits are worth at the current plan's overage price, in minor units of <paramref name="Currency"/> (null on a plan
/// without overage).
/// </summary>
/// <param name="OverageRemaining">Overage credits this period may still bill; null = no limit.</param>
/// <param name="Reached">This period's overage has reached the cap: usage beyond the available credits is written off.</param>
public sealed record SpendCapView(
    string CustomerId,
    string PlanId,
    long? Credits,
    decimal? Amount,
    string? Currency,
    long OverageThisPeriod,
    long? OverageRemaining,
    bool Reached,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd);
