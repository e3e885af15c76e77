namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to a plan change: the upgrade's payment was not confirmed in time.</summary>
public record PaymentConfirmationTimedOut
{
    public Guid OperationId { get; init; }
}
