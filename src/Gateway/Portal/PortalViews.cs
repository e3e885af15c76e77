using Credits.Ledger.Queries;

namespace Credits.Gateway.Portal;

// What the portal page reads. Amounts are minor units of Currency; times are UTC.

public sealed record PortalAccount(
    string CustomerId,
    string? Name,
    string PlanId,
    string? SubscriptionStatus,
    CreditBalance Balance,
    IReadOnlyList<PortalGrant> Grants,
    IReadOnlyList<PortalPlan> Plans,
    IReadOnlyList<PortalPack> Packs,
    PortalAutoTopUp? AutoTopUp,
    /// <summary>Whether plan changes, purchases and auto top-up can be started from the page (the customer has a subscription).</summary>
    bool CanBuy,
    /// <summary>The default card Credits saved (brand, last 4); null: the page offers "Add card".</summary>
    Customers.SavedCardView? Card = null);

/// <summary>Spendable credits of one grant (Source: a GrantSource name) and when they lapse (null: never).</summary>
public sealed record PortalGrant(string Source, long Remaining, long Amount, DateTimeOffset EffectiveAt, DateTimeOffset? ExpiresAt);

public sealed record PortalPlan(string Id, string DisplayName, long FlatMonthlyAmount, string Currency, long IncludedCredits,
    bool OverageAllowed, decimal OverageUnitAmount, bool Current);

public sealed record PortalPack(string Id, string DisplayName, long Credits, long Amount, string Currency);

public sealed record PortalAutoTopUp(bool Enabled, long Threshold, long Credits, long Amount, string Currency, bool PurchaseInFlight,
    Customers.AutoTopUpSafety Safety);

/// <summary>Credits used on one day of the period: debited from grants, billed as overage, or written off (no overage).</summary>
public sealed record UsageDay(DateTimeOffset Day, long Debited, long Overage, long WrittenOff);

public sealed record PortalUsage(DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, IReadOnlyList<UsageDay> Days,
    IReadOnlyList<Ledger.Queries.FeatureUsage> Features, IReadOnlyList<Ledger.Queries.MemberUsage> Members);

/// <summary>A plan change or a purchase, with its progress: "in-progress", "scheduled", "completed", "failed" or "refunded".</summary>
public sealed record PortalOperation(Guid Id, string Type, string Description, string State, string Status,
    IReadOnlyList<string> Steps, string? Error, string? CheckoutUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
