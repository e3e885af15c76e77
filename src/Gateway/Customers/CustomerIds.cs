namespace Credits.Gateway.Customers;

/// <summary>What the Gateway accepts as an app's customer id and as an Idempotency-Key, checked before anything is written.</summary>
public static class CustomerIds
{
    /// <summary>The saga and ledger columns hold 128 characters.</summary>
    public const int MaxLength = 128;
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Null when the id is usable: 1 to 128 characters, no white space, no control characters, no '/'.</summary>
    public static Refusal? Check(string? customerId) =>
        string.IsNullOrEmpty(customerId) ? Refusal.Invalid("customerId", "customerId is required.")
        : customerId.Length > MaxLength ? Refusal.Invalid("customerId", $"customerId must be at most {MaxLength} characters.")
        : customerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/')
            ? Refusal.Invalid("customerId", "customerId must not contain white space, control characters or '/'.")
        : null;

    public static Refusal? CheckIdempotencyKey(string? key, bool required) =>
        key is null ? (required ? Refusal.Invalid("Idempotency-Key", "Send an Idempotency-Key header so a retried request never buys twice.") : null)
        : string.IsNullOrWhiteSpace(key) || key.Length > MaxIdempotencyKeyLength
            ? Refusal.Invalid("Idempotency-Key", $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} non-blank characters.")
        : null;
}
