namespace Credits.Billing.Audit;

/// <summary>Every kind of difference the money audit reports; docs/audit.md gives each one's evidence and repair.</summary>
public static class AuditKinds
{
    // Purchases: a succeeded payment of a purchase and its one purchase grant.
    public const string PurchaseWithoutGrant = "purchase_without_grant";
    public const string GrantWithoutPayment = "grant_without_payment";
    public const string PurchaseGrantedTwice = "purchase_granted_twice";
    public const string PurchaseGrantAmount = "purchase_grant_amount";

    // Allowances: a paid invoice that opens a period and the period's one allowance grant.
    public const string InvoiceWithoutAllowance = "invoice_without_allowance";
    public const string AllowanceWithoutInvoice = "allowance_without_invoice";
    public const string AllowanceGrantedTwice = "allowance_granted_twice";

    // Overage: the ledger's overage of a period, the meter's total, and the finalized invoice's usage line.
    public const string MeterMissing = "meter_missing";
    public const string MeterExcess = "meter_excess";
    public const string InvoiceUsageMismatch = "invoice_usage_mismatch";

    // Refunds and disputes and what they took back.
    public const string RefundNotReversed = "refund_not_reversed";
    public const string DisputeNotFrozen = "dispute_not_frozen";
    public const string DisputeWonNotRestored = "dispute_won_not_restored";

    // Subscription items against the plan the customer saga names.
    public const string SubscriptionMissing = "subscription_missing";
    public const string FlatItem = "flat_item";
    public const string MeteredItem = "metered_item";
    public const string PlanMismatch = "plan_mismatch";

    // The ledger's archive against the entries it holds.
    public const string ArchiveMismatch = "archive_mismatch";
}
