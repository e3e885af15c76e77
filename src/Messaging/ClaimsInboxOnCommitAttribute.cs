namespace Credits.Messaging;

/// <summary>
/// Marks a consumer whose work is all in PostgreSQL (its rows and its outgoing messages, nothing outside the
/// transaction), so the inbox can record the message in the consumer's last save instead of in a statement of its
/// own before the consumer runs: one round trip less per message (issue 16). Saga state machines are treated so
/// without the mark; consumers that call Stripe or any other outside service are not marked.
/// </summary>
/// <remarks>
/// A redelivery of a message that was consumed and committed then runs the consumer again inside a transaction that
/// cannot commit: its inbox insert meets the committed row, and the whole attempt rolls back. The outbox then counts
/// the delivery on the committed row and acknowledges it, as it does when the inbox is claimed first. A marked consumer
/// must therefore be one whose repeated run has no effect that a rollback does not undo.
/// <para>
/// It pays only where the last save writes rows anyway (a saga's instance, a consumer's row and outgoing messages). The
/// usage consumers write the ledger with their own batch and often publish nothing, so their last save would become a
/// round trip of its own while the accounts are locked: marked, they ran 7 % slower, one hot customer 13 to 21 % slower
/// (docs/BENCHMARKS.md, 2026-12-02), and they keep the claim first.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ClaimsInboxOnCommitAttribute : Attribute;
