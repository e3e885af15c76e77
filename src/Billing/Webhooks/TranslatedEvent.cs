namespace Credits.Billing.Webhooks;

/// <summary>
/// A Stripe event as Credits sees it: the bus message to publish (null for types Credits does not
/// handle), the Stripe object it concerns, and Stripe's own time for ordering events of that object.
/// </summary>
public sealed record TranslatedEvent(object? Message, string? ObjectId, DateTimeOffset Created);
