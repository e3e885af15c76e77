using Credits.Ledger;

namespace Credits.Gateway.Customers;

/// <summary>What the Gateway accepts as an app's customer id and as an Idempotency-Key, checked before anything is written.</summary>
public static class CustomerIds
{
    /// <summary>The saga and ledger columns hold 128 characters.</summary>
    public const int MaxLength = CustomerRules.MaxIdLength;
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Null when the id is usable (<see cref="CustomerRules.IdProblem"/>, the rule the bus checks too).</summary>
    public static Refusal? Check(string? customerId) =>
        CustomerRules.IdProblem(customerId) is { } problem ? Refusal.Invalid("customerId", problem) : null;

    public static Refusal? CheckIdempotencyKey(string? key, bool required) =>
        key is null ? (required ? Refusal.Invalid("Idempotency-Key", "Send an Idempotency-Key header so a retried request never buys twice.") : null)
        : string.IsNullOrWhiteSpace(key) || key.Length > MaxIdempotencyKeyLength
            ? Refusal.Invalid("Idempotency-Key", $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} non-blank characters.")
        : null;
}
