namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:TopUp</c>.</summary>
public sealed class TopUpOptions
{
    /// <summary>Stripe's bounds for a Checkout session's <c>expires_at</c>: 30 minutes to 24 hours after creation.</summary>
    public static readonly TimeSpan MinCheckoutLifetime = TimeSpan.FromMinutes(30), MaxCheckoutLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// A purchase not paid by then is cancelled as abandoned (and its Checkout session expired at Stripe). A payment
    /// that still succeeds later is granted (docs/boundaries/payments.md).
    /// </summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long the Checkout page stays payable: Stripe expires the session itself (<c>checkout.session.expired</c>)
    /// before the saga's abandon timeout, which remains the backstop when that event is lost.
    /// </summary>
    public TimeSpan CheckoutExpiresAfter { get; set; } = TimeSpan.FromHours(23);

    /// <summary>
    /// The session's lifetime as Stripe accepts it: below the abandon time (by at least a 24th of it) where Stripe's
    /// bounds allow; an abandon time under 30 minutes relies on the explicit expiry on abandon.
    /// </summary>
    public TimeSpan CheckoutLifetime
    {
        get
        {
            var belowAbandon = AbandonAfter - AbandonAfter / 24;
            var lifetime = CheckoutExpiresAfter < belowAbandon ? CheckoutExpiresAfter : belowAbandon;
            return lifetime < MinCheckoutLifetime ? MinCheckoutLifetime : lifetime > MaxCheckoutLifetime ? MaxCheckoutLifetime : lifetime;
        }
    }
}
