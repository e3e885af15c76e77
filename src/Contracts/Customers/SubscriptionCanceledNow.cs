namespace Credits.Contracts.Customers;

/// <summary>Answer to <see cref="CancelSubscriptionNow"/>: Stripe ended the subscription; its final invoice, if any.</summary>
public record SubscriptionCanceledNow
{
    public Guid OperationId { get; init; }
    public string Status { get; init; } = "";
    public string? FinalInvoiceId { get; init; }
}
