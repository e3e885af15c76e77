using Credits.Contracts.Customers;
using Credits.Ledger.Queries;

namespace Credits.Gateway.Customers;

/// <summary>
/// A customer as GET /v1/customers/{id} shows it: the customer lifecycle saga's row (plan, registration state,
/// Stripe subscription, the plan change in flight) and the ledger's balance.
/// </summary>
public sealed record CustomerView
{
    public required string CustomerId { get; init; }
    /// <summary><see cref="CustomerStates.Registering"/>, <see cref="CustomerStates.Active"/> or <see cref="CustomerStates.RegistrationFailed"/>.</summary>
    public required string State { get; init; }
    /// <summary>The saga's own state name (CreatingStripeCustomer, CreatingSubscription, Active, RegistrationFailed).</summary>
    public required string SagaState { get; init; }
    /// <summary>Why registration failed, when it did.</summary>
    public string? FailureReason { get; init; }
    public required string PlanId { get; init; }
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? StripeCustomerId { get; init; }
    public SubscriptionView? Subscription { get; init; }
    /// <summary>The subscription's current billing period.</summary>
    public BillingPeriod? Period { get; init; }
    /// <summary>The ledger's balance; null until the first allowance period starts.</summary>
    public CreditBalance? Balance { get; init; }
    /// <summary>The plan change in flight (GET /v1/operations/{id}); at most one.</summary>
    public Guid? PlanChangeInFlight { get; init; }
    public Guid? LastPlanChangeOperationId { get; init; }
    /// <summary>The default card Credits saved (brand, last 4 digits); null when none was saved through Credits.</summary>
    public SavedCardView? Card { get; init; }
    /// <summary>The cancellation in flight or scheduled (GET /v1/customers/{id}/cancellation); it shares the slot with plan changes.</summary>
    public Guid? CancellationInFlight { get; init; }
    /// <summary>When a scheduled cancellation ends the subscription; null when none is scheduled.</summary>
    public DateTimeOffset? CancelAt { get; init; }
    /// <summary>When the subscription ended (state cancelled).</summary>
    public DateTimeOffset? CancelledAt { get; init; }
    /// <summary>The unpaid renewal, while one is (dunning): overage is stopped until it is paid.</summary>
    public PastDueView? PastDue { get; init; }
    /// <summary>The last failure the saga recorded (registration or a plan change), for people.</summary>
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

public sealed record SubscriptionView(string Id, string? Status, IReadOnlyList<SubscriptionItem> Items);

/// <summary>An unpaid renewal invoice: its amount and Stripe's page where it can be paid.</summary>
public sealed record PastDueView(string InvoiceId, long AmountDue, string? Currency, string? HostedInvoiceUrl);

public sealed record BillingPeriod(DateTimeOffset Start, DateTimeOffset End);
