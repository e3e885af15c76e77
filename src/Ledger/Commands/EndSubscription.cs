namespace Credits.Ledger.Commands;

/// <summary>
/// The customer's subscription has ended (cancelled at the period end, at once by an operator, or by Stripe after a
/// failed renewal): the plan's allowance and rollover still unspent lapse now, without rolling over (there is no next
/// period), and the account is put on <see cref="PlanId"/>, the free plan whose terms it keeps (no overage). Credits
/// bought, promoted or adjusted by hand stay spendable. Each lapse is written under the grant's own expiry key, so
/// running it again lapses nothing more.
/// </summary>
public sealed record EndSubscription : LedgerCommand
{
    public required string PlanId { get; init; }

    internal override string Fingerprint() => $"end-subscription|{CustomerId}|{PlanId}";

    internal override string? Invalid(DateTimeOffset now) =>
        base.Invalid(now) ?? (string.IsNullOrWhiteSpace(PlanId) ? "plan id is required" : null);
}
