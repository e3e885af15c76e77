using System.Net;

namespace Credits.Billing.StripeAdapter;

/// <summary>
/// Why a Stripe call did not succeed. <see cref="Transient"/> failures were retried and may succeed
/// later with the same idempotency key; permanent ones (validation, card declined) will not.
/// </summary>
public sealed record StripeFailure(bool Transient, HttpStatusCode? Status, string? Type, string? Code, string? DeclineCode, string Message, string? RequestId, string? Param = null)
{
    public bool CardError => Type == "card_error";

    public override string ToString() =>
        $"{(Transient ? "transient" : "permanent")} {(int?)Status} {Type}/{Code}{(DeclineCode is null ? "" : "/" + DeclineCode)}: {Message} ({RequestId})";
}
