using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Contracts.Usage;
using Credits.Ledger;
using Credits.Orchestrator.Usage;

namespace Credits.Orchestrator.AppMessages;

/// <summary>
/// What a message that other services send to Credits must hold before a consumer or saga may act on it: each rule
/// answers null for a usable message, else the problem in words that name the field. Only what can never succeed is
/// refused here; what depends on state (an unknown customer or plan, a change in flight) stays the saga's answer
/// (PlanChangeRejected, CustomerRegistrationFailed). A single usage event is checked by the usage consumers, event by
/// event (UsageDebits.Malformed, shared with POST /v1/usage), so that one bad event never refuses its neighbours.
/// docs/security/bus.md lists the rules.
/// </summary>
public static class AppMessageRules
{
    /// <summary>Stripe takes amounts of up to eight digits in minor units (https://stripe.com/docs/currencies#minimum-and-maximum-charge-amounts).</summary>
    public const long MaxAmount = 99_999_999;

    /// <summary>Stripe's ids are opaque; the saga columns hold 128 characters.</summary>
    public const int MaxStripeIdLength = 128;
    public const int MaxPlanIdLength = 128;

    public static string? Problem(UsageBatchRecorded m) =>
        m.Events is null ? "events is required: a batch holds 1 to 1,000 usage events"
        : m.Events.Count is 0 or > UsageBatchRecordedConsumer.MaxEvents
            ? $"events must hold 1 to {UsageBatchRecordedConsumer.MaxEvents:N0} usage events, this batch holds {m.Events.Count:N0}"
        : null;

    public static string? Problem(RegisterCustomer m) =>
        CustomerRules.IdProblem(m.CustomerId) ?? CustomerRules.EmailProblem(m.Email) ?? CustomerRules.NameProblem(m.Name)
        ?? (m.PlanId is null ? null : TokenProblem("planId", m.PlanId, MaxPlanIdLength));

    public static string? Problem(ChangePlan m) =>
        (m.OperationId == Guid.Empty ? "operationId is required" : null)
        ?? CustomerRules.IdProblem(m.CustomerId) ?? TokenProblem("newPlanId", m.NewPlanId, MaxPlanIdLength);

    public static string? Problem(PurchaseCredits m) =>
        (m.PurchaseId == Guid.Empty ? "purchaseId is required" : null)
        ?? Payment(m.CustomerId, m.StripeCustomerId, m.Credits, m.Amount, m.Currency);

    public static string? Problem(ConfigureAutoTopUp m) =>
        Payment(m.CustomerId, m.StripeCustomerId, m.Credits, m.Amount, m.Currency)
        ?? (m.Threshold is < 0 or > LedgerLimits.MaxCredits ? $"threshold must be 0 to {LedgerLimits.MaxCredits:N0} credits" : null)
        ?? (m.MonthlyCap is < 1 ? "monthlyCap must be positive (minor units), or absent for the default" : null);

    /// <summary>A purchase of credits on a customer's Stripe customer: what a top-up and an auto top-up have in common.</summary>
    static string? Payment(string? customerId, string? stripeCustomerId, long credits, long amount, string? currency) =>
        CustomerRules.IdProblem(customerId)
        ?? TokenProblem("stripeCustomerId", stripeCustomerId, MaxStripeIdLength)
        ?? (credits is < 1 or > LedgerLimits.MaxCredits ? $"credits must be 1 to {LedgerLimits.MaxCredits:N0}" : null)
        ?? (amount is < 1 or > MaxAmount ? $"amount must be 1 to {MaxAmount:N0} (minor units)" : null)
        // Stripe wants the three-letter ISO code in lowercase (https://stripe.com/docs/currencies).
        ?? (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetterLower) ? "currency must be a three-letter ISO code in lowercase" : null);

    /// <summary>A required id-like text: 1 to <paramref name="max"/> characters, no white space or control characters.</summary>
    static string? TokenProblem(string field, string? value, int max) =>
        string.IsNullOrEmpty(value) ? $"{field} is required"
        : value.Length > max ? $"{field} must be at most {max} characters"
        : value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? $"{field} must not contain white space or control characters"
        : null;
}
