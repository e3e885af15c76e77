using System.Globalization;

namespace Credits.Ledger.Commands;

/// <summary>
/// An operation on one customer's account. <see cref="IdempotencyKey"/> is unique for ever: the same
/// key again with the same content returns <c>Duplicate</c> and changes nothing; with different
/// content it returns <c>Conflict</c>.
/// </summary>
public abstract record LedgerCommand
{
    /// <summary>Keys hold a customer id and a caller's value of up to 255 characters (<c>CustomerScopedKey</c>).</summary>
    public const int MaxIdempotencyKeyLength = 400;

    public required string CustomerId { get; init; }
    public required string IdempotencyKey { get; init; }

    /// <summary>
    /// The key the same operation had before caller-chosen keys were scoped to the customer (issue 12), if it had
    /// another: entries the same customer wrote under it count as this command's, so a retry across that upgrade is
    /// still a duplicate. Another customer's entries under it are not this command's.
    /// </summary>
    public string? FormerIdempotencyKey { get; init; }

    /// <summary>The content that a reuse of the key must repeat exactly.</summary>
    internal abstract string Fingerprint();

    /// <summary>Why the command can never be applied, or null.</summary>
    internal virtual string? Invalid(DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(CustomerId) ? "customer id is required"
        : string.IsNullOrWhiteSpace(IdempotencyKey) ? "idempotency key is required"
        : IdempotencyKey.Length > MaxIdempotencyKeyLength ? $"idempotency key is longer than {MaxIdempotencyKeyLength} characters"
        : null;

    protected static string Stamp(DateTimeOffset? at) =>
        at is { } value ? value.UtcTicks.ToString(CultureInfo.InvariantCulture) : "-";
}
