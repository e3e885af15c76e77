namespace Credits.Gateway.Customers;

public enum RegistrationStatus
{
    /// <summary>RegisterCustomer was published: the customer is being registered.</summary>
    Accepted,
    /// <summary>An earlier registration is still running; nothing new was published.</summary>
    InProgress,
    /// <summary>The customer is already registered and active; nothing was published.</summary>
    AlreadyRegistered,
}

/// <summary>The outcome of <see cref="CustomerCommands.RegisterAsync"/>; <see cref="Customer"/> is set unless just accepted.</summary>
public sealed record Registration(string CustomerId, RegistrationStatus Status, CustomerView? Customer);

/// <summary>A plan change accepted now, or the same request (Idempotency-Key) accepted before (<see cref="Repeated"/>: nothing published).</summary>
public sealed record PlanChangeAccepted(Guid OperationId, string PlanId, bool Repeated);

/// <summary>
/// A purchase accepted now or before (<see cref="Repeated"/>: nothing published). <see cref="Status"/> is the operation's
/// (accepted, running, completed...); <see cref="CheckoutUrl"/> is where to send the customer to pay, once Stripe has a session.
/// </summary>
public sealed record PurchaseAccepted(Guid PurchaseId, bool Repeated, string Status, string? SagaState, string? CheckoutUrl, string? Error);

/// <summary>The auto top-up policy as sent to the auto top-up saga.</summary>
public sealed record AutoTopUpConfigured(string CustomerId, bool Enabled, long Threshold, string PackId, long Credits, long Amount, string Currency,
    long MonthlyCap);
