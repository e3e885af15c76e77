using System.ComponentModel.DataAnnotations;

namespace Credits.Gateway.Console;

/// <summary>Section "Console": what the operator console lists.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>
    /// Error queues whose messages are shown as dead-lettered usage: the usage consumers' endpoints with
    /// MassTransit's "_error" suffix, where both rejected usage (reason in MT-Fault-Message) and faulted
    /// messages end up.
    /// </summary>
    public List<string> DeadLetterQueues { get; set; } = ["usage-recorded_error", "usage-batch-recorded_error"];

    /// <summary>Most messages peeked per queue.</summary>
    [Range(1, 500)]
    public int DeadLetterPeekLimit { get; set; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DeadLetterQueues.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult("Console:DeadLetterQueues must not contain empty names.", [nameof(DeadLetterQueues)]);
    }
}
