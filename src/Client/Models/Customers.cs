namespace Credits.Client;

// /v1/customers (src/Gateway/Customers/CustomersApi.cs, CustomerView.cs).

/// <summary>The values of <see cref="Customer.State"/>.</summary>
public static class CustomerStates
{
    public const string Registering = "registering";
    public const string Active = "active";
    public const string RegistrationFailed = "registration-failed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// A registration's answer: <see cref="Accepted"/> while it runs (follow GET /v1/customers/{id}), else the customer,
/// already registered (nothing was published again).
/// </summary>
public sealed record CustomerRegistration(string CustomerId, string State, Customer? Customer, bool Accepted);

/// <summary>A customer: registration state, plan, subscription, period, balance and the operations in flight.</summary>
public sealed record Customer
{
    public required string CustomerId { get; init; }
    public required string State { get; init; }
    public string? SagaState { get; init; }
    public string? FailureReason { get; init; }
    public required string PlanId { get; init; }
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? StripeCustomerId { get; init; }
    public Subscription? Subscription { get; init; }
    public BillingPeriod? Period { get; init; }
    /// <summary>Null until the first allowance period starts.</summary>
    public CreditBalance? Balance { get; init; }
    public Guid? PlanChangeInFlight { get; init; }
    public Guid? LastPlanChangeOperationId { get; init; }
    public SavedCard? Card { get; init; }
    public Guid? CancellationInFlight { get; init; }
    public DateTimeOffset? CancelAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public PastDue? PastDue { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed record Subscription(string Id, string? Status, IReadOnlyList<SubscriptionItem> Items);

public sealed record SubscriptionItem(string ItemId, string PriceId, string UsageType);

public sealed record BillingPeriod(DateTimeOffset Start, DateTimeOffset End);

/// <summary>The card Credits saved as the default: only what Stripe shows of it.</summary>
public sealed record SavedCard(string? Brand, string? Last4, long? ExpMonth, long? ExpYear, string Source, DateTimeOffset SavedAt);

/// <summary>An unpaid renewal (minor units) and Stripe's page where it can be paid.</summary>
public sealed record PastDue(string InvoiceId, long AmountDue, string? Currency, string? HostedInvoiceUrl);
