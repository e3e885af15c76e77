namespace Credits.Contracts.TopUps;

/// <summary>
/// The names a purchase is known by outside its top-up saga: the <c>purchase_id</c> metadata on its Stripe objects
/// (Checkout session and PaymentIntent), and the ledger keys of the entries its steps write (grant, refund reversals,
/// dispute freeze and restore). The saga writes them and the money audit reads them, so they live here, where both
/// can see them. The key text is the saga's step key, <c>SagaKeys.Idempotency("top-up", purchaseId, step)</c>, as it
/// always was: entries written before this class existed still match (a test in Credits.Sagas.Tests holds the two equal).
/// </summary>
public static class PurchaseKeys
{
    /// <summary>Metadata on every Stripe object of a purchase: webhooks find the purchase by it.</summary>
    public const string PurchaseIdMetadata = "purchase_id";

    /// <summary>The ledger key of a purchase's one grant: what a refund's reversal and a dispute's freeze name.</summary>
    public static string Grant(Guid purchaseId) => Step(purchaseId, "grant");

    /// <summary>The reversal of the credits of Stripe's cumulative refund up to <paramref name="amountRefunded"/>.</summary>
    public static string Reversal(Guid purchaseId, long amountRefunded) => Step(purchaseId, $"reverse-{amountRefunded}");

    /// <summary>The cumulative refunded amount a reversal key of this purchase names (the inverse of <see cref="Reversal"/>), if it is one.</summary>
    public static long? RefundedUpTo(Guid purchaseId, string key)
    {
        var prefix = Step(purchaseId, "reverse-");
        return key.StartsWith(prefix, StringComparison.Ordinal) && long.TryParse(key.AsSpan(prefix.Length), out var amount) ? amount : null;
    }

    /// <summary>The freeze of a dispute's share of the credits.</summary>
    public static string DisputeFreeze(Guid purchaseId, string disputeId) => Step(purchaseId, $"dispute-{disputeId}-freeze");

    /// <summary>The grant that gives a won dispute's frozen credits back.</summary>
    public static string DisputeRestore(Guid purchaseId, string disputeId) => Step(purchaseId, $"dispute-{disputeId}-restore");

    const string KeyStart = "credits:top-up:";

    /// <summary>What every ledger key of this purchase starts with.</summary>
    public static string Prefix(Guid purchaseId) => $"{KeyStart}{purchaseId:N}:";

    /// <summary>The purchase whose steps wrote this ledger key, if a top-up saga did (the inverse of <see cref="Prefix"/>).</summary>
    public static Guid? PurchaseOfKey(string key) =>
        key.StartsWith(KeyStart, StringComparison.Ordinal) && key.Length > KeyStart.Length + 32
        && Guid.TryParseExact(key.AsSpan(KeyStart.Length, 32), "N", out var id) ? id : null;

    static string Step(Guid purchaseId, string step) => Prefix(purchaseId) + step;

    /// <summary>The purchase a Stripe object's metadata names, if any.</summary>
    public static Guid? PurchaseOf(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(PurchaseIdMetadata, out var value) && Guid.TryParse(value, out var id) ? id : null;
}
