namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:TopUp</c>.</summary>
public sealed class TopUpOptions
{
    /// <summary>A purchase not paid by then is cancelled as abandoned (Stripe's Checkout sessions expire after 24 h).</summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromHours(24);
}
