namespace Credits.Gateway.Customers;

/// <summary>The customer lifecycle saga's states as the API names them.</summary>
public static class CustomerStates
{
    public const string Registering = "registering";
    public const string Active = "active";
    public const string RegistrationFailed = "registration-failed";
    /// <summary>The subscription has ended (cancelled, or ended by Stripe after a failed renewal); the account stays.</summary>
    public const string Cancelled = "cancelled";

    // The state names of CustomerLifecycleStateMachine, as MassTransit stores them in current_state.
    internal const string SagaActive = "Active";
    internal const string SagaRegistrationFailed = "RegistrationFailed";
    internal const string SagaCancelled = "Cancelled";

    public static string FromSaga(string sagaState) => sagaState switch
    {
        SagaActive => Active,
        SagaRegistrationFailed => RegistrationFailed,
        SagaCancelled => Cancelled,
        _ => Registering, // CreatingStripeCustomer, CreatingSubscription
    };
}
