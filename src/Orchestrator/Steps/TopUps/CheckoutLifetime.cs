using Credits.Sagas.StateMachines;

namespace Credits.Orchestrator.Steps.TopUps;

/// <summary>The expires_at of every Checkout session Credits creates (payment and setup mode).</summary>
static class CheckoutLifetime
{
    /// <summary>
    /// Stripe refuses an expires_at outside 30 minutes to 24 hours from the request; a command delivered late (or a
    /// short abandon time) is brought inside, with a minute's margin for clock skew.
    /// </summary>
    public static DateTimeOffset? WithinStripeBounds(DateTimeOffset? expiresAt)
    {
        if (expiresAt is not { } at) return null;
        var now = DateTimeOffset.UtcNow;
        var earliest = now + TopUpOptions.MinCheckoutLifetime + TimeSpan.FromMinutes(1);
        var latest = now + TopUpOptions.MaxCheckoutLifetime - TimeSpan.FromMinutes(1);
        return at < earliest ? earliest : at > latest ? latest : at;
    }
}
