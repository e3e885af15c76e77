using Credits.Ledger.Model;

namespace Credits.Gateway.Console;

/// <summary>
/// Why an operator moves credits, as the issue names it: goodwill (a gesture to a customer), promo (a promotion) and
/// correction (putting a mistake right). A promo grant is a <see cref="GrantSource.Promotion"/> (burnt first, like
/// other promotions); the others are <see cref="GrantSource.ManualAdjustment"/>.
/// </summary>
public static class CreditAdjustmentCategories
{
    public const string Goodwill = "goodwill";
    public const string Promo = "promo";
    public const string Correction = "correction";

    public static readonly IReadOnlyList<string> All = [Goodwill, Promo, Correction];

    public static GrantSource SourceOf(string category) => category == Promo ? GrantSource.Promotion : GrantSource.ManualAdjustment;
}
