namespace Credits.Gateway.Customers;

/// <summary>The card Credits last made the customer's default (saved_cards): never the number, only what Stripe shows of it.</summary>
public sealed record SavedCardView(string? Brand, string? Last4, long? ExpMonth, long? ExpYear, string Source, DateTimeOffset SavedAt)
{
    public static SavedCardView? From(Persistence.Cards.SavedCard? card) =>
        card is null ? null : new(card.Brand, card.Last4, card.ExpMonth, card.ExpYear, card.Source, card.SavedAt);
}
