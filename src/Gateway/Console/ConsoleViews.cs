namespace Credits.Gateway.Console;

// What the operator console reads. Amounts in credits unless named otherwise; times UTC.

/// <summary>A customer: ledger account and lifecycle saga, either of which may be missing (e.g. a failed registration).</summary>
public sealed record ConsoleCustomer(string CustomerId, string? Name, string? Email, string? PlanId, long? Available, long? Held,
    long? OverageThisPeriod, DateTimeOffset? PeriodEnd, string? LifecycleState, string? SubscriptionStatus, string? StripeCustomerId,
    Guid? PlanChangeInFlight, DateTimeOffset? UpdatedAt);

/// <summary>A saga instance that is still running or ended badly. Status: "in-flight" or "failed".</summary>
public sealed record ConsoleSaga(string Saga, Guid Id, string CustomerId, string State, string Status, string Description,
    IReadOnlyList<string> Steps, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A message in an error queue: its reason (MT-Fault-Message), what it was, and the usage in it.</summary>
public sealed record DeadLetter(string Queue, string? MessageId, string? MessageType, string? Reason, string? ReasonKind,
    string? ExceptionType, DateTimeOffset? FaultedAt, IReadOnlyList<DeadLetterUsage> Usage, string Body);

public sealed record DeadLetterUsage(string? EventId, string? CustomerId, long? Credits);

/// <summary>The dead letters of every configured queue; a queue that could not be read says why instead.</summary>
public sealed record DeadLetterReport(IReadOnlyList<DeadLetterQueueReport> Queues);

public sealed record DeadLetterQueueReport(string Queue, uint? Depth, IReadOnlyList<DeadLetter> Messages, string? Error);
