namespace Credits.Ledger.Pricing;

/// <summary>
/// How priced usage becomes whole credits without losing or inventing a fraction. The ledger counts whole
/// credits; each account carries the fraction of a credit its priced usage has not yet paid for
/// (<c>ledger_accounts.usage_remainder</c>, 0 ≤ remainder &lt; 1). An event adds its exact price to the remainder,
/// the whole credits of the sum are debited, and the fraction left is carried to the next event. So the credits
/// debited for any split of some usage, plus the remainder left, always equal the price of all of it:
/// many small events cost what one large event costs (<c>UsagePricingProperties</c>).
/// </summary>
public static class UsagePricing
{
    /// <summary>Decimal places a native quantity may have (seconds of audio to the microsecond).</summary>
    public const int MaxQuantityScale = 6;

    /// <summary>The most native units one event may report.</summary>
    public const decimal MaxQuantity = 1_000_000_000_000m;

    /// <summary>Whole credits to debit now, and the fraction to carry.</summary>
    public static (long Credits, decimal Remainder) Charge(decimal remainder, decimal price)
    {
        var total = remainder + price;
        var credits = decimal.Floor(total);
        return ((long)credits, total - credits);
    }

    /// <summary>Null when <paramref name="quantity"/> may be reported, else why not.</summary>
    public static string? CheckQuantity(decimal quantity) =>
        quantity <= 0 ? "quantity must be positive"
        : quantity > MaxQuantity ? $"quantity must be at most {MaxQuantity:N0}"
        : quantity != decimal.Round(quantity, MaxQuantityScale) ? $"quantity may have at most {MaxQuantityScale} decimal places"
        : null;
}
