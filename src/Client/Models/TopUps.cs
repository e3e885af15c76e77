namespace Credits.Client;

// /v1/customers/{id}/top-ups and /auto-top-up (src/Gateway/TopUps/TopUpsApi.cs, src/Gateway/Customers/AutoTopUpSafety.cs).

/// <summary>
/// A purchase of a credit pack. <see cref="CheckoutUrl"/>: where to send the customer to pay, once Stripe has the
/// session (null if it did not within the Gateway's wait: follow GET /v1/operations/{purchaseId}).
/// </summary>
public sealed record Purchase(Guid PurchaseId, string Status, string? SagaState, string? CheckoutUrl, string? Error, bool Repeated);

/// <summary>The auto top-up to set: buy <see cref="PackId"/> on the saved card when the balance falls to <see cref="Threshold"/>.</summary>
public sealed record AutoTopUpSettings(bool Enabled, long Threshold, string PackId, long? MonthlyCap = null);

/// <summary>The policy as the Gateway sent it to the auto top-up saga (GET shows it once the saga has it).</summary>
public sealed record AutoTopUpConfigured(string CustomerId, bool Enabled, long Threshold, string PackId, long Credits, long Amount, string Currency,
    long MonthlyCap);

/// <summary>The auto top-up as it stands. <see cref="State"/>: idle, purchase-in-flight or stopped.</summary>
public sealed record AutoTopUp(string CustomerId, bool Enabled, long Threshold, string? PackId, long Credits, long Amount, string Currency,
    string State, Guid? PurchaseInFlight, int PurchasesStarted, DateTimeOffset UpdatedAt, AutoTopUpSafety Safety);

/// <summary>This month's count against the cap, and whether repeated failures stopped the auto top-up.</summary>
public sealed record AutoTopUpSafety(long? MonthlyCap, DateTimeOffset Month, long StartedThisMonth, bool CapReachedThisMonth,
    int ConsecutiveFailures, bool Stopped, string? StoppedReason, DateTimeOffset? StoppedAt);
