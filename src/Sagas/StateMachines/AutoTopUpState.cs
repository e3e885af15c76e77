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
    public DateTimeOffset UpdatedAt { get; set; }
}
