namespace Credits.Gateway.Customers;

/// <summary>Why a customer command did nothing. The API tells it as RFC 7807 problem details; the portal shows it.</summary>
public enum RefusalKind
{
    /// <summary>The request itself is wrong (HTTP 400): a bad id, an unknown plan or pack, a missing key.</summary>
    Invalid,
    /// <summary>No such customer (HTTP 404).</summary>
    UnknownCustomer,
    /// <summary>The request is fine but the customer's state forbids it now (HTTP 409).</summary>
    Conflict,
    /// <summary>The customer has reached a limit; the same request later may succeed (HTTP 429 with Retry-After).</summary>
    TooManyRequests,
}

/// <summary>
/// A refused command: nothing was written and nothing published. <see cref="Field"/> names the offending input
/// for <see cref="RefusalKind.Invalid"/>; <see cref="InFlightOperationId"/> names the plan change that is in the way.
/// </summary>
public sealed record Refusal(RefusalKind Kind, string Title, string Detail, string? Field = null, Guid? InFlightOperationId = null,
    TimeSpan? RetryAfter = null)
{
    public static Refusal Invalid(string field, string detail) => new(RefusalKind.Invalid, "Invalid request", detail, field);

    public static Refusal UnknownCustomer(string customerId) =>
        new(RefusalKind.UnknownCustomer, "Unknown customer", $"Customer '{customerId}' is not registered.");

    public static Refusal Conflict(string title, string detail, Guid? inFlight = null) => new(RefusalKind.Conflict, title, detail, null, inFlight);

    public static Refusal TooManyRequests(string title, string detail, TimeSpan retryAfter) =>
        new(RefusalKind.TooManyRequests, title, detail, RetryAfter: retryAfter);

    public static Refusal IdempotencyKeyReused(string key) =>
        Conflict("Idempotency key reused", $"The Idempotency-Key '{key}' was used before for a different request.");
}
