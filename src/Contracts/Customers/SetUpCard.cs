namespace Credits.Contracts.Customers;

/// <summary>
/// Starts a card setup (the card-setup saga, correlation id <see cref="SetupId"/>): a Stripe Checkout session in setup
/// mode whose card, once saved, becomes the customer's and the subscription's default payment method (<see cref="CardSaved"/>).
/// A repeat with the same <see cref="SetupId"/> changes nothing.
/// </summary>
public record SetUpCard
{
    public Guid SetupId { get; init; }
    public string CustomerId { get; init; } = "";
    public string StripeCustomerId { get; init; } = "";
}
