namespace Credits.Gateway.Customers;

/// <summary>
/// A card setup accepted now or before (<see cref="Repeated"/>: nothing published). <see cref="CheckoutUrl"/> is Stripe's
/// setup-mode Checkout page where the customer gives the card, once the saga has it.
/// </summary>
public sealed record CardSetupAccepted(Guid SetupId, bool Repeated, string Status, string? SagaState, string? CheckoutUrl, string? Error);
