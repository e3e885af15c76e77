using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary>
/// Stripe's test payment method tokens and how each behaves (https://docs.stripe.com/testing#declined-payments).
/// The declining cards of Stripe's table cannot be attached to a customer: attaching one (or creating a
/// customer with it) is declined already. To have a saved card that declines when charged, Stripe offers
/// <c>pm_card_chargeCustomerFail</c> (4000000000000341, "decline after attaching"). Cards that need 3-D Secure
/// attach fine; a charge answers <c>requires_action</c> on-session and <c>authentication_required</c> off-session.
/// </summary>
public sealed record TestCard(string Token, string Brand, string Last4, TestCardOutcome Outcome, bool FailsAtAttach = false)
{
    public static readonly IReadOnlyList<TestCard> All =
    [
        new("pm_card_visa", "visa", "4242", TestCardOutcome.Succeeds),
        new("pm_card_mastercard", "mastercard", "4444", TestCardOutcome.Succeeds),
        new("pm_card_amex", "amex", "8431", TestCardOutcome.Succeeds),
        new("pm_card_chargeDeclined", "visa", "0002", TestCardOutcome.Declined, FailsAtAttach: true),
        new("pm_card_visa_chargeDeclined", "visa", "0002", TestCardOutcome.Declined, FailsAtAttach: true),
        new("pm_card_chargeDeclinedInsufficientFunds", "visa", "9995", TestCardOutcome.InsufficientFunds, FailsAtAttach: true),
        new("pm_card_visa_chargeDeclinedInsufficientFunds", "visa", "9995", TestCardOutcome.InsufficientFunds, FailsAtAttach: true),
        new("pm_card_chargeDeclinedLostCard", "visa", "9987", TestCardOutcome.LostCard, FailsAtAttach: true),
        new("pm_card_visa_chargeDeclinedLostCard", "visa", "9987", TestCardOutcome.LostCard, FailsAtAttach: true),
        new("pm_card_chargeDeclinedStolenCard", "visa", "9979", TestCardOutcome.StolenCard, FailsAtAttach: true),
        new("pm_card_visa_chargeDeclinedStolenCard", "visa", "9979", TestCardOutcome.StolenCard, FailsAtAttach: true),
        new("pm_card_chargeDeclinedExpiredCard", "visa", "0069", TestCardOutcome.ExpiredCard, FailsAtAttach: true),
        new("pm_card_chargeDeclinedIncorrectCvc", "visa", "0127", TestCardOutcome.IncorrectCvc, FailsAtAttach: true),
        new("pm_card_chargeDeclinedProcessingError", "visa", "0119", TestCardOutcome.ProcessingError, FailsAtAttach: true),
        new("pm_card_chargeCustomerFail", "visa", "0341", TestCardOutcome.Declined),
        new("pm_card_authenticationRequired", "visa", "3184", TestCardOutcome.RequiresAction),
        new("pm_card_threeDSecure2Required", "visa", "3220", TestCardOutcome.RequiresAction),
    ];

    public static TestCard? ByToken(string token) => All.FirstOrDefault(c => c.Token == token);

    /// <summary>The behaviour of a card is recognised by its last four digits, as with Stripe's test numbers.</summary>
    public static TestCardOutcome OutcomeOf(string? last4) =>
        All.FirstOrDefault(c => c.Last4 == last4)?.Outcome ?? TestCardOutcome.Succeeds;

    /// <summary>The card error a charge (or an attach) with this outcome answers; null when it is not a decline.</summary>
    public static StripeApiException? Decline(TestCardOutcome outcome) => outcome switch
    {
        TestCardOutcome.Declined => StripeApiException.CardDeclined("card_declined", "generic_decline", "Your card was declined."),
        TestCardOutcome.InsufficientFunds => StripeApiException.CardDeclined("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        TestCardOutcome.LostCard => StripeApiException.CardDeclined("card_declined", "lost_card", "Your card was declined."),
        TestCardOutcome.StolenCard => StripeApiException.CardDeclined("card_declined", "stolen_card", "Your card was declined."),
        TestCardOutcome.ExpiredCard => StripeApiException.CardDeclined("expired_card", "expired_card", "Your card has expired."),
        TestCardOutcome.IncorrectCvc => StripeApiException.CardDeclined("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
        TestCardOutcome.ProcessingError => StripeApiException.CardDeclined("processing_error", "processing_error",
            "An error occurred while processing your card. Try again in a little bit."),
        _ => null,
    };

    /// <summary>What an off-session charge of a card that needs the customer to authenticate answers.</summary>
    public static StripeApiException AuthenticationRequired() =>
        StripeApiException.CardDeclined("authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication.");
}

public enum TestCardOutcome { Succeeds, Declined, InsufficientFunds, LostCard, StolenCard, ExpiredCard, IncorrectCvc, ProcessingError, RequiresAction }
