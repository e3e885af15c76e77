namespace Credits.Ledger;

/// <summary>
/// The largest amounts and texts the ledger takes, so that no sum it keeps (a balance, a period's overage, a
/// customer's usage over years) can overflow a 64-bit count: a billion credits per event, reservation or grant,
/// times the 9.2 billion billions a long holds, leaves room for nine billion such operations on one account.
/// </summary>
public static class LedgerLimits
{
    /// <summary>Credits in one usage event, reservation, settlement or grant.</summary>
    public const long MaxCredits = 1_000_000_000;

    /// <summary>
    /// The most credits one account may hold: a million of the largest grants. A grant past it is refused, so the
    /// balance, and with the per-operation bound every sum the ledger keeps or queries, stays far below a long's range.
    /// </summary>
    public const long MaxBalance = 1_000_000 * MaxCredits;

    /// <summary>
    /// The largest spend cap (overage credits per period): an account's whole balance, which is more than any real
    /// cap and keeps a period's overage, and its percentage of the cap, far inside a long.
    /// </summary>
    public const long MaxSpendCap = MaxBalance;

    /// <summary>Null when <paramref name="credits"/> is an amount one operation may move (1 to <see cref="MaxCredits"/>).</summary>
    public static string? CheckCredits(long credits, string name = "credits") =>
        credits <= 0 ? $"{name} must be positive"
        : credits > MaxCredits ? $"{name} must be at most {MaxCredits:N0}"
        : null;

    /// <summary>The feature (or model) named on a usage event.</summary>
    public const int MaxFeatureLength = 100;

    /// <summary>Null when <paramref name="memberId"/> may name a member of a shared balance (or is null: no member).</summary>
    public static string? CheckMemberId(string? memberId) =>
        memberId is null ? null
        : string.IsNullOrWhiteSpace(memberId) || memberId.Length > MaxCustomerIdLength || HasControlCharacters(memberId)
            ? $"memberId must be 1 to {MaxCustomerIdLength} characters, without control characters"
        : null;

    /// <summary>The app's customer id (the ledger and saga columns hold 128 characters).</summary>
    public const int MaxCustomerIdLength = 128;

    /// <summary>
    /// Control characters (NUL above all: PostgreSQL's text cannot hold it) have no place in ids, names or features.
    /// </summary>
    public static bool HasControlCharacters(string? text) =>
        text is not null && (text.AsSpan().ContainsAnyInRange('\0', '\u001f') || text.AsSpan().ContainsAnyInRange('\u007f', '\u009f'));
}
