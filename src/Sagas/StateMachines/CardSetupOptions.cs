namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:CardSetup</c>.</summary>
public sealed class CardSetupOptions
{
    /// <summary>
    /// How long the setup-mode Checkout page stays open (Stripe accepts 30 minutes to 24 hours). Stripe's
    /// checkout.session.expired ends the setup; <see cref="AbandonAfter"/> is the backstop if that event never comes.
    /// </summary>
    public TimeSpan CheckoutLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When the saga stops waiting for the card (and expires the page at Stripe). Later than <see cref="CheckoutLifetime"/>.</summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(75);
}
