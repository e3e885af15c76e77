using System.ComponentModel.DataAnnotations;

namespace Credits.Gateway.Console;

/// <summary>Section "Console": what the operator console lists.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>
    /// Error queues whose messages are shown as dead letters: the usage consumers' endpoints with MassTransit's
    /// "_error" suffix, where both rejected usage (reason in MT-Fault-Message) and faulted messages end up, and the
    /// saga steps' endpoints, where a step lands once its retries and scheduled redeliveries are exhausted (its saga
    /// has ended for an operator by then: see docs/boundaries/stalls.md).
    /// </summary>
    public List<string> DeadLetterQueues { get; set; } =
    [
        "usage-recorded_error", "usage-batch-recorded_error",
        "create-stripe-customer_error", "create-subscription_error", "start-allowance-period_error",
        "update-subscription-items_error", "restore-subscription-items_error", "read-subscription-state_error",
        "report-final-overage_error", "grant-plan-change-credits_error",
        "create-checkout-session_error", "charge-saved-card_error", "grant-purchased-credits_error", "reverse-unspent-credits_error",
    ];

    /// <summary>Most messages peeked per queue.</summary>
    [Range(1, 500)]
    public int DeadLetterPeekLimit { get; set; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DeadLetterQueues.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult("Console:DeadLetterQueues must not contain empty names.", [nameof(DeadLetterQueues)]);
    }
}
