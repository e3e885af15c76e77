namespace Credits.Billing.Storage;

/// <summary>
/// The newest event applied for one Stripe object (subscription, invoice, session...): an event
/// created before it arrived late and must not roll the object's state back.
/// </summary>
public class StripeObjectVersion
{
    public string ObjectId { get; set; } = "";
    public DateTimeOffset LastEventCreated { get; set; }
    public string LastEventId { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}
