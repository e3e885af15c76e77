namespace Credits.StripeEmulator.Resources;

/// <summary>Stripe's test payment method tokens and how a charge on each ends.</summary>
public sealed record TestCard(string Token, string Brand, string Last4, TestCardOutcome Outcome)
{
    public static readonly IReadOnlyList<TestCard> All =
    [
        new("pm_card_visa", "visa", "4242", TestCardOutcome.Succeeds),
        new("pm_card_mastercard", "mastercard", "4444", TestCardOutcome.Succeeds),
        new("pm_card_amex", "amex", "8431", TestCardOutcome.Succeeds),
        new("pm_card_chargeDeclined", "visa", "0002", TestCardOutcome.Declined),
        new("pm_card_visa_chargeDeclined", "visa", "0002", TestCardOutcome.Declined),
        new("pm_card_chargeCustomerFail", "visa", "0341", TestCardOutcome.Declined),
        new("pm_card_chargeDeclinedInsufficientFunds", "visa", "9995", TestCardOutcome.InsufficientFunds),
        new("pm_card_authenticationRequired", "visa", "3184", TestCardOutcome.RequiresAction),
        new("pm_card_threeDSecure2Required", "visa", "3220", TestCardOutcome.RequiresAction),
    ];

    public static TestCard? ByToken(string token) => All.FirstOrDefault(c => c.Token == token);

    /// <summary>The behaviour of a card is recognised by its last four digits, as with Stripe's test numbers.</summary>
    public static TestCardOutcome OutcomeOf(string? last4) =>
        All.FirstOrDefault(c => c.Last4 == last4)?.Outcome ?? TestCardOutcome.Succeeds;
}

public enum TestCardOutcome { Succeeds, Declined, InsufficientFunds, RequiresAction }
