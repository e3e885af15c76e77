using System.ComponentModel.DataAnnotations;

namespace Credits.ServiceDefaults;

/// <summary>The message broker. Section "RabbitMq".</summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    /// <summary>amqp://user:password@host:port/vhost; from the environment (RabbitMq__Url), never committed.</summary>
    [Required(ErrorMessage = "RabbitMq:Url is required (environment variable RabbitMq__Url), e.g. amqp://guest:guest@localhost:5672/.")]
    public string Url { get; set; } = "";

    /// <summary>
    /// Quorum queues survive the loss of a broker in a cluster; set it for one (docs/SCALING.md section 3). On one node
    /// neither is faster everywhere: a classic queue writes to disk only what waits in it, a quorum queue writes every
    /// message to its log. The chaos soak ran about 10 % faster on classic queues, a saturated usage queue 9 to 16 %
    /// faster on quorum ones (docs/RELIABILITY.md, docs/BENCHMARKS.md, sixteenth session). Classic stays the default,
    /// as a queue's type cannot change once it is declared.
    /// </summary>
    public bool QuorumQueues { get; set; }

    /// <summary>How many messages one endpoint handles at once.</summary>
    [Range(1, 1024, ErrorMessage = "RabbitMq:PrefetchCount must be between 1 and 1024.")]
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// How long an instance may take to start (the bus waits up to a minute for the broker) before it exits for its
    /// supervisor to start it again (<see cref="StartupDeadline"/>).
    /// </summary>
    public TimeSpan StartDeadline { get; set; } = TimeSpan.FromMinutes(3);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StartDeadline < TimeSpan.FromSeconds(5) || StartDeadline > TimeSpan.FromHours(1))
            yield return new ValidationResult("RabbitMq:StartDeadline must be between 00:00:05 and 01:00:00.", [nameof(StartDeadline)]);
        if (string.IsNullOrWhiteSpace(Url)) yield break;
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
            yield return new ValidationResult($"RabbitMq:Url must be an amqp:// or amqps:// URL.", [nameof(Url)]);
    }
}
