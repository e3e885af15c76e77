namespace Credits.Sagas.StateMachines;

/// <summary>Configuration section <c>Sagas:PlanChange</c>.</summary>
public sealed class PlanChangeOptions
{
    /// <summary>How long an upgrade waits for its proration invoice to be paid before it restores the previous plan.</summary>
    public TimeSpan PaymentConfirmationTimeout { get; set; } = TimeSpan.FromMinutes(15);
}
