using System.Globalization;

namespace Credits.Ledger.Commands;

/// <summary>
/// An operation on one customer's account. <see cref="IdempotencyKey"/> is unique for ever: the same
/// key again with the same content returns <c>Duplicate</c> and changes nothing; with different
/// content it returns <c>Conflict</c>.
/// </summary>
public abstract record LedgerCommand
{
    public required string CustomerId { get; init; }
    public required string IdempotencyKey { get; init; }

    /// <summary>The content that a reuse of the key must repeat exactly.</summary>
    internal abstract string Fingerprint();

    /// <summary>Why the command can never be applied, or null.</summary>
    internal virtual string? Invalid(DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(CustomerId) ? "customer id is required"
        : string.IsNullOrWhiteSpace(IdempotencyKey) ? "idempotency key is required"
        : IdempotencyKey.Length > 200 ? "idempotency key is longer than 200 characters"
        : null;

    protected static string Stamp(DateTimeOffset? at) =>
        at is { } value ? value.UtcTicks.ToString(CultureInfo.InvariantCulture) : "-";
}
