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
    /// The nodes of a RabbitMQ cluster, as <c>host</c> or <c>host:port</c> separated by commas (RabbitMq__ClusterNodes=
    /// rabbit-1,rabbit-2,rabbit-3). Each connection goes to the next node in the list, so an instance whose node is down
    /// connects to another one when it reconnects. The user, password and virtual host stay in <see cref="Url"/>, whose
    /// own host is then not used. Empty: the host in <see cref="Url"/> alone (one node, or a load balancer in front).
    /// </summary>
    public string ClusterNodes { get; set; } = "";

    /// <summary>The nodes of <see cref="ClusterNodes"/>, trimmed, in their order.</summary>
    public IReadOnlyList<string> ClusterNodeList =>
        ClusterNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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
        // By position, not by value: a node written as user:password@host would otherwise put the password in the log.
        var nodes = ClusterNodeList;
        for (var i = 0; i < nodes.Count; i++)
            if (ParseNode(nodes[i]) is null)
                yield return new ValidationResult($"RabbitMq:ClusterNodes: node {i + 1} is not a host or host:port (user and password go in RabbitMq:Url).",
                    [nameof(ClusterNodes)]);
        if (string.IsNullOrWhiteSpace(Url)) yield break;
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
            yield return new ValidationResult($"RabbitMq:Url must be an amqp:// or amqps:// URL.", [nameof(Url)]);
    }

    /// <summary>
    /// A node of <see cref="ClusterNodes"/> as its host and port (null: the URL's), or null when it is not one. The
    /// form MassTransit 8's cluster configuration parses (ClusterNode.Parse): a host name or IPv4 address, and a port.
    /// </summary>
    public static (string Host, int? Port)? ParseNode(string node) => node.Split(':') switch
    {
        [var host] when IsHost(host) => (host, null),
        [var host, var port] when IsHost(host) && int.TryParse(port, out var number) && number is > 0 and < 65536 => (host, number),
        _ => null,
    };

    static bool IsHost(string host) => Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;
}
