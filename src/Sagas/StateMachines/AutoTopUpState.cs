using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>A customer's auto top-up policy (correlation id = <see cref="SagaKeys.ForAutoTopUp"/>(customer id)).</summary>
public class AutoTopUpState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string StripeCustomerId { get; set; } = "";
    public bool Enabled { get; set; }
    public long Threshold { get; set; }
    public long Credits { get; set; }
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    /// <summary>The one purchase in flight, if any.</summary>
    public Guid? PurchaseId { get; set; }
    public int PurchasesStarted { get; set; }
    /// <summary>The most auto top-up may start in a calendar month (UTC), minor units of <see cref="Currency"/>; 0: the configured default.</summary>
    public long MonthlyCap { get; set; }
    /// <summary>The month <see cref="StartedThisMonth"/> counts (its first instant, UTC).</summary>
    public DateTimeOffset? CapMonth { get; set; }
    /// <summary>What auto top-up started in <see cref="CapMonth"/>, paid or not.</summary>
    public long StartedThisMonth { get; set; }
    /// <summary>The month AutoTopUpCapReached was last published for (once a month).</summary>
    public DateTimeOffset? CapReachedMonth { get; set; }
    /// <summary>Purchases in a row that ended unpaid; a paid one, enabling again or a new card sets it back to 0.</summary>
    public int ConsecutiveFailures { get; set; }
    /// <summary>The last unpaid purchase's reason (for the customer's notice).</summary>
    public string? LastFailure { get; set; }
    /// <summary>When repeated failures turned the policy off; null when it was not.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
