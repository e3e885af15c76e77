using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.Operators;
using Credits.Contracts.TopUps;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// One credit purchase: PurchaseCredits -> CreateCheckoutSession (URL) or ChargeSavedCard -> payment succeeded
/// -> GrantPurchasedCredits (once: only AwaitingPayment and Cancelled react to a payment) -> CreditsPurchased.
/// A declined saved card, an expired session or the abandon timeout -> PurchaseCancelled; a card declined on the
/// Checkout page is not the end (the customer may try another card until the session expires). A payment that
/// succeeds after the purchase was cancelled is granted all the same: the customer paid for these credits.
/// A refund later -> ReverseUnspentCredits; a dispute freezes the disputed share until it is won or lost.
/// Stripe events find the purchase through the metadata <c>purchase_id</c> the consumers put on sessions and
/// payment intents; refunds and disputes through the payment intent. Rules and their tests: docs/boundaries/payments.md.
/// </summary>
public sealed class TopUpStateMachine : MassTransitStateMachine<TopUpState>
{
    public const string SagaName = "top-up";
    public const string PurchaseIdMetadata = PurchaseKeys.PurchaseIdMetadata;

    /// <summary>The ledger key of a purchase's grant (<see cref="PurchaseKeys"/>: the money audit reads it too).</summary>
    public static string GrantKey(Guid purchaseId) => PurchaseKeys.Grant(purchaseId);

    public TopUpStateMachine(TopUpOptions options)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Purchase, e => e.CorrelateById(c => c.Message.PurchaseId));
        Event(() => SessionCreated, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => SessionFaulted, e => { e.CorrelateById(c => c.Message.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardCharged, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CardFaulted, e => { e.CorrelateById(c => c.Message.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Declined, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CheckoutCompleted, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CheckoutExpired, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PaymentSucceeded, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => PaymentFailed, e => { e.CorrelateById(c => PurchaseOf(c.Message.Metadata)); e.OnMissingInstance(m => m.Discard()); });
        // Refunds and disputes by the payment intent alone (a property, not an expression): an event without one (a charge
        // made outside Credits) then names no purchase, where the expression compared its null as IS NULL and reached every
        // purchase holding none. The property form also builds no delegate per message (docs/BENCHMARKS.md, 24th session).
        // (The `!` only quiets the compiler: MassTransit's selector treats a null as "no query".)
        Event(() => ChargeRefunded, e => { e.CorrelateBy(s => s.PaymentIntentId!, c => c.Message.PaymentIntentId!); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsGranted, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsReversed, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => DisputeCreated, e => { e.CorrelateBy(s => s.PaymentIntentId!, c => c.Message.PaymentIntentId!); e.OnMissingInstance(m => m.Discard()); });
        Event(() => DisputeClosed, e => { e.CorrelateBy(s => s.PaymentIntentId!, c => c.Message.PaymentIntentId!); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Retry, e => { e.CorrelateById(c => c.Message.SagaId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => CreditsFrozen, e => { e.CorrelateById(c => c.Message.PurchaseId); e.OnMissingInstance(m => m.Discard()); });

        Schedule(() => AbandonTimeout, x => x.AbandonTimeoutTokenId, s =>
        {
            s.Delay = options.AbandonAfter;
            s.Received = r => { r.CorrelateById(c => c.Message.PurchaseId); r.OnMissingInstance(m => m.Discard()); };
        });

        Initially(
            When(Purchase)
                .Then(c => Start(c.Saga, c.Message))
                .Schedule(AbandonTimeout, c => new PurchaseAbandoned { PurchaseId = c.Saga.CorrelationId })
                .IfElse(c => c.Saga.UseSavedCard,
                    card => card.Publish(c => new ChargeSavedCard
                    {
                        PurchaseId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId,
                        Amount = c.Saga.Amount, Currency = c.Saga.Currency, IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "charge-saved-card"),
                    }),
                    checkout => checkout.Publish(c => new CreateCheckoutSession
                    {
                        PurchaseId = c.Saga.CorrelationId, CustomerId = c.Saga.CustomerId, StripeCustomerId = c.Saga.StripeCustomerId, Credits = c.Saga.Credits,
                        Amount = c.Saga.Amount, Currency = c.Saga.Currency, IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "create-checkout-session"),
                        // Stripe expires the page before the saga gives up: its checkout.session.expired ends the purchase.
                        ExpiresAt = c.Saga.CreatedAt + options.CheckoutLifetime,
                    }))
                .TransitionTo(AwaitingPayment));

        During(AwaitingPayment,
            When(SessionCreated)
                .Then(c => { c.Saga.CheckoutSessionId = c.Message.SessionId; c.Saga.CheckoutUrl = c.Message.Url; }),
            When(CardCharged, c => c.Message.Status == "succeeded")
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId)
                .Unschedule(AbandonTimeout).Then(c => Paid(c.Saga)).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            // Processing, or Stripe's answer lost (5xx, timeout): not a decline. payment_intent.succeeded or
            // payment_intent.payment_failed decides; the abandon timeout is the backstop.
            When(CardCharged, c => c.Message.Status != "succeeded")
                .Then(c => c.Saga.PaymentIntentId = NullIfEmpty(c.Message.PaymentIntentId) ?? c.Saga.PaymentIntentId)
                .Then(c => c.Saga.LastError = $"the payment's outcome is not known yet ({c.Message.Status}); waiting for Stripe"),
            When(CheckoutCompleted, c => c.Message.PaymentStatus == "paid")
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId)
                // The page offered to save the card: if the buyer ticked it, the card becomes the default (docs/lifecycle/cards.md).
                .If(c => c.Message.PaymentIntentId is not null, offered => offered.Publish(c => SaveCardIfConsented(c.Saga)))
                .Unschedule(AbandonTimeout).Then(c => Paid(c.Saga)).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            When(PaymentSucceeded)
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId)
                // Stripe sends this and checkout.session.completed in no set order: whichever comes first offers to save
                // the card, since the other then finds the purchase moved on (the step checks the buyer's consent).
                .If(c => !c.Saga.UseSavedCard && c.Message.PaymentIntentId is not null, offered => offered.Publish(c => SaveCardIfConsented(c.Saga)))
                .Unschedule(AbandonTimeout).Then(c => Paid(c.Saga)).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            When(Declined).Then(c => c.Saga.LastError = $"the payment was declined: {c.Message.Reason}").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            // On the Checkout page a declined card leaves the session open: the customer may try another card.
            When(PaymentFailed, c => !c.Saga.UseSavedCard).Then(c => c.Saga.LastError = $"a card was declined on the checkout page: {c.Message.FailureMessage}"),
            When(PaymentFailed, c => c.Saga.UseSavedCard).Then(c => c.Saga.LastError = $"the payment failed: {c.Message.FailureMessage}").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(CheckoutExpired).Then(c => c.Saga.LastError = "the checkout session expired unpaid").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(SessionFaulted).Then(c => c.Saga.LastError = "the checkout session could not be created").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(CardFaulted).Then(c => c.Saga.LastError = "the saved card could not be charged").Unschedule(AbandonTimeout).Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled),
            When(AbandonTimeout.Received)
                .Then(c => c.Saga.LastError = $"the purchase was not paid within {options.AbandonAfter}")
                // The page must not stay payable after Credits stopped waiting for it.
                .If(c => c.Saga.CheckoutSessionId is not null, expire => expire.Publish(c => new ExpireCheckoutSession
                {
                    PurchaseId = c.Saga.CorrelationId, SessionId = c.Saga.CheckoutSessionId!,
                    IdempotencyKey = SagaKeys.Idempotency(SagaName, c.Saga.CorrelationId, "expire-checkout-session"),
                }))
                .Publish(c => CancelledEvent(c.Saga)).TransitionTo(Cancelled));

        // A payment that succeeds after the purchase was cancelled (abandoned, expired, a lost answer): every
        // cancellation only means Credits stopped waiting, none makes granting wrong, so the paid credits are granted.
        During(Cancelled,
            When(CardCharged, c => c.Message.Status == "succeeded")
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId).Then(c => PaidLate(c.Saga)).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            When(CheckoutCompleted, c => c.Message.PaymentStatus == "paid")
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId).Then(c => PaidLate(c.Saga)).Publish(c => Grant(c.Saga)).TransitionTo(Granting),
            When(PaymentSucceeded)
                .Then(c => c.Saga.PaymentIntentId = c.Message.PaymentIntentId).Then(c => PaidLate(c.Saga)).Publish(c => Grant(c.Saga)).TransitionTo(Granting));

        During(Granting,
            // A refund while the credits are being granted: remembered, and taken back once they are granted.
            When(ChargeRefunded, c => c.Message.AmountRefunded > c.Saga.RefundReported)
                .Then(c => c.Saga.RefundReported = c.Message.AmountRefunded),
            When(CreditsGranted)
                .Publish(c => Purchased(c.Saga))
                .IfElse(c => c.Saga.RefundReported > c.Saga.AmountRefunded,
                    refunded => refunded
                        .Publish(c => Reverse(c.Saga, c.Saga.RefundReported))
                        .Then(c => c.Saga.AmountRefunded = c.Saga.RefundReported)
                        .TransitionTo(Refunding),
                    paid => paid.TransitionTo(Completed)),
            // The grant's fault ends nothing (the saga waits for its credits): an operator retries it once the cause is fixed
            // (SagaRetry). Same command, same ledger key (top-up:<purchase>:grant): applied once however often it is sent.
            When(Retry)
                .Then(c => c.Saga.UpdatedAt = DateTimeOffset.UtcNow)
                .Publish(c => Grant(c.Saga)));

        // A refund (full or partial, cumulative in Stripe's event) takes back what is unspent of the refunded share.
        During(Completed, Refunding, Refunded,
            When(ChargeRefunded, c => c.Message.AmountRefunded > c.Saga.AmountRefunded)
                // Each increase of the cumulative refund takes back its own share of the credits (of what is unspent).
                .Publish(c => Reverse(c.Saga, c.Message.AmountRefunded))
                .Then(c => c.Saga.AmountRefunded = c.Saga.RefundReported = c.Message.AmountRefunded)
                .TransitionTo(Refunding));

        During(Refunding,
            When(CreditsReversed).TransitionTo(Refunded));

        // A dispute freezes the disputed share of what is unspent (ledger reversal, recorded); won gives it back, lost
        // keeps it taken. Stripe allows one dispute per charge. Credits already spent stay spent: the shortfall is
        // written on the purchase for operators (LastError, shown on the console while the dispute is open or lost).
        During(Completed, Refunded,
            When(DisputeCreated, c => c.Saga.DisputeId is null)
                .Then(c => OpenDispute(c.Saga, c.Message.DisputeId, c.Message.Amount, "open"))
                .Publish(c => Freeze(c.Saga))
                .TransitionTo(Disputed),
            // The closing event overtook the opening one: a lost dispute still takes the share back; a won one changes nothing.
            When(DisputeClosed, c => c.Saga.DisputeId is null && c.Message.Status == "lost")
                .Then(c => OpenDispute(c.Saga, c.Message.DisputeId, c.Message.Amount, "lost"))
                .Publish(c => Freeze(c.Saga))
                .TransitionTo(DisputeLost),
            When(DisputeClosed, c => c.Saga.DisputeId is null && c.Message.Status != "lost")
                .Then(c => OpenDispute(c.Saga, c.Message.DisputeId, c.Message.Amount, c.Message.Status)));

        During(Disputed,
            When(CreditsFrozen, c => c.Saga.CreditsFrozen is null)
                .Then(c => Frozen(c.Saga, c.Message.CreditsFrozen))
                .If(c => c.Saga.DisputeStatus == "won", won => won.Publish(c => Restore(c.Saga)).TransitionTo(Completed)),
            When(DisputeClosed, c => c.Message.DisputeId == c.Saga.DisputeId && c.Message.Status == "lost")
                .Then(c => c.Saga.DisputeStatus = "lost")
                .TransitionTo(DisputeLost),
            When(DisputeClosed, c => c.Message.DisputeId == c.Saga.DisputeId && c.Message.Status != "lost")
                .Then(c => c.Saga.DisputeStatus = "won")
                // Given back once the freeze is known; if the ledger has not answered yet, its answer does it.
                .If(c => c.Saga.CreditsFrozen is not null, known => known.Publish(c => Restore(c.Saga)).TransitionTo(Completed)));

        During(DisputeLost,
            When(CreditsFrozen, c => c.Saga.CreditsFrozen is null).Then(c => Frozen(c.Saga, c.Message.CreditsFrozen)));

        // Duplicated Stripe events and replies, a second PurchaseCredits with the same key, late timeouts: the
        // state has moved on, so they do nothing.
        OnUnhandledEvent(c => c.Ignore());
    }

    /// <summary>Nothing happens at the step unless Stripe attached the paid card to the customer (the buyer's consent).</summary>
    private static SaveDefaultCard SaveCardIfConsented(TopUpState saga) => new()
    {
        OperationId = saga.CorrelationId, Source = SagaName, CustomerId = saga.CustomerId, StripeCustomerId = saga.StripeCustomerId,
        PaymentIntentId = saga.PaymentIntentId, IdempotencyKey = SagaKeys.Idempotency(SagaName, saga.CorrelationId, "save-default-card"),
    };

    /// <summary>The purchase Stripe's metadata names; none (<see cref="Guid.Empty"/>) when it names no purchase.</summary>
    internal static Guid PurchaseOf(IReadOnlyDictionary<string, string> metadata) => PurchaseKeys.PurchaseOf(metadata) ?? Guid.Empty;

    private static void Start(TopUpState saga, PurchaseCredits m)
    {
        saga.CustomerId = m.CustomerId;
        saga.StripeCustomerId = m.StripeCustomerId;
        saga.Credits = m.Credits;
        saga.Amount = m.Amount;
        saga.Currency = m.Currency;
        saga.UseSavedCard = m.UseSavedCard;
        saga.CreatedAt = saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void Paid(TopUpState saga) => saga.UpdatedAt = DateTimeOffset.UtcNow;

    private static void PaidLate(TopUpState saga)
    {
        saga.LastError = $"paid after the purchase was cancelled ({saga.LastError}); the credits are granted";
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static CreditsPurchased Purchased(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, Credits = saga.Credits, SavedCard = saga.UseSavedCard,
    };

    /// <summary>Takes back the share of the credits for the increase of Stripe's cumulative refund up to <paramref name="refundedNow"/>.</summary>
    private static ReverseUnspentCredits Reverse(TopUpState saga, long refundedNow) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, Amount = saga.Amount,
        Credits = CreditProration.ForRefund(saga.Credits, saga.Amount, saga.AmountRefunded, refundedNow),
        AmountRefunded = refundedNow,
        IdempotencyKey = PurchaseKeys.Reversal(saga.CorrelationId, refundedNow),
    };

    private static void OpenDispute(TopUpState saga, string disputeId, long amount, string status)
    {
        saga.DisputeId = disputeId;
        saga.DisputedAmount = amount;
        saga.DisputeStatus = status;
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The disputed share of the purchase's credits, in proportion to the disputed amount.</summary>
    private static FreezeDisputedCredits Freeze(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, DisputeId = saga.DisputeId!,
        Credits = CreditProration.ForRefund(saga.Credits, saga.Amount, 0, saga.DisputedAmount),
        IdempotencyKey = PurchaseKeys.DisputeFreeze(saga.CorrelationId, saga.DisputeId!),
    };

    private static void Frozen(TopUpState saga, long credits)
    {
        saga.CreditsFrozen = credits;
        var share = CreditProration.ForRefund(saga.Credits, saga.Amount, 0, saga.DisputedAmount);
        if (credits < share)
            saga.LastError = $"dispute {saga.DisputeId}: {share - credits} of the {share} disputed credits were already spent";
        saga.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private static RestoreDisputedCredits Restore(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, DisputeId = saga.DisputeId!, Credits = saga.CreditsFrozen ?? 0,
        IdempotencyKey = PurchaseKeys.DisputeRestore(saga.CorrelationId, saga.DisputeId!),
    };

    private static GrantPurchasedCredits Grant(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, Credits = saga.Credits,
        IdempotencyKey = GrantKey(saga.CorrelationId),
    };

    private static PurchaseCancelled CancelledEvent(TopUpState saga) => new()
    {
        PurchaseId = saga.CorrelationId, CustomerId = saga.CustomerId, Reason = saga.LastError ?? "", SavedCard = saga.UseSavedCard,
    };

    public State AwaitingPayment { get; private set; } = null!;
    public State Granting { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;
    public State Refunding { get; private set; } = null!;
    public State Refunded { get; private set; } = null!;
    public State Disputed { get; private set; } = null!;
    public State DisputeLost { get; private set; } = null!;

    public Event<PurchaseCredits> Purchase { get; private set; } = null!;
    public Event<CheckoutSessionCreated> SessionCreated { get; private set; } = null!;
    public Event<Fault<CreateCheckoutSession>> SessionFaulted { get; private set; } = null!;
    public Event<SavedCardCharged> CardCharged { get; private set; } = null!;
    public Event<Fault<ChargeSavedCard>> CardFaulted { get; private set; } = null!;
    public Event<PaymentDeclined> Declined { get; private set; } = null!;
    public Event<StripeCheckoutSessionCompleted> CheckoutCompleted { get; private set; } = null!;
    public Event<StripeCheckoutSessionExpired> CheckoutExpired { get; private set; } = null!;
    public Event<StripePaymentSucceeded> PaymentSucceeded { get; private set; } = null!;
    public Event<StripePaymentFailed> PaymentFailed { get; private set; } = null!;
    public Event<StripeChargeRefunded> ChargeRefunded { get; private set; } = null!;
    public Event<PurchasedCreditsGranted> CreditsGranted { get; private set; } = null!;
    public Event<UnspentCreditsReversed> CreditsReversed { get; private set; } = null!;
    public Event<StripeDisputeCreated> DisputeCreated { get; private set; } = null!;
    public Event<StripeDisputeClosed> DisputeClosed { get; private set; } = null!;
    public Event<DisputedCreditsFrozen> CreditsFrozen { get; private set; } = null!;
    public Event<RetrySagaStep> Retry { get; private set; } = null!;

    public Schedule<TopUpState, PurchaseAbandoned> AbandonTimeout { get; private set; } = null!;
}
