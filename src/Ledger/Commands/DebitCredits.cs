using Credits.Ledger.Pricing;

namespace Credits.Ledger.Commands;

/// <summary>
/// Usage to burn from the account's grants (priority, then soonest expiry, then oldest). What the
/// available credits cannot cover becomes overage (plans with overage) or is written off.
/// </summary>
public sealed record DebitCredits : LedgerCommand
{
    /// <summary>How far in the future a usage timestamp may lie (clock skew) before it is refused.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>Credits to debit; 0 when the usage is <see cref="Priced"/>.</summary>
    public required long Credits { get; init; }
    /// <summary>
    /// Usage in a native unit, priced by a rate card: the credits are its price plus the account's carried
    /// remainder, in whole credits (<see cref="UsagePricing"/>).
    /// </summary>
    public PricedUsage? Priced { get; init; }
    /// <summary>The member of a shared balance whose usage this is (the app's user id); null: the account's own.</summary>
    public string? MemberId { get; init; }
    /// <summary>When the usage happened at the producer; null = when recorded.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
    /// <summary>What was consumed, kept on the entry for the customer's statement.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// Priced usage is fingerprinted by what the producer reported (quantity and unit), never by its credits: those
    /// depend on the remainder carried when it was applied, and a replay must still be a duplicate.
    /// </summary>
    /// A member is part of the content (usage without one keeps the fingerprint it always had).
    internal override string Fingerprint() => (Priced is { } priced
        ? $"debit|{CustomerId}|{priced.QuantityText} {priced.Unit}|{Stamp(OccurredAt)}|{Note}"
        : $"debit|{CustomerId}|{Credits}|{Stamp(OccurredAt)}|{Note}") + (MemberId is null ? "" : $"|member:{MemberId}");

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now)
        ?? (Priced is { } priced ? CheckPriced(priced) : LedgerLimits.CheckCredits(Credits))
        ?? LedgerLimits.CheckMemberId(MemberId)
        ?? (OccurredAt > now + MaxFutureSkew ? "the usage timestamp is in the future" : null);

    string? CheckPriced(PricedUsage priced) =>
        Credits != 0 ? "priced usage gives a quantity, not credits"
        : UsagePricing.CheckQuantity(priced.Quantity)
        ?? (priced.Price > LedgerLimits.MaxCredits ? $"the usage is priced at more than {LedgerLimits.MaxCredits:N0} credits" : null);
}
