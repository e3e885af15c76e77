namespace Credits.Contracts.Customers;

/// <summary>
/// The metadata a setup-mode Checkout session (and its SetupIntent) carries: <c>card_setup_id</c> names the operation that
/// asked for the card (a card setup or an upgrade waiting for a card), so its <c>checkout.session.*</c> events find it.
/// </summary>
public static class CardSetupMetadata
{
    public const string OperationIdKey = "card_setup_id";

    /// <summary>Why a saga waiting for a card drops a session whose metadata names no card setup.</summary>
    public const string NotACardSetup = "names no card setup";

    /// <summary>Whether a session's metadata names a card setup at all (a purchase's session does not).</summary>
    public static bool Names(IReadOnlyDictionary<string, string>? metadata) => OperationOf(metadata) != Guid.Empty;

    /// <summary>The operation a session's metadata names, or <see cref="Guid.Empty"/> (no saga has that id).</summary>
    public static Guid OperationOf(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(OperationIdKey, out var value) && Guid.TryParse(value, out var id) ? id : Guid.Empty;
}
