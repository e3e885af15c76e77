namespace Credits.Sagas.StateMachines;

/// <summary>Scheduled to a purchase: it was not paid in time.</summary>
public record PurchaseAbandoned
{
    public Guid PurchaseId { get; init; }
}
