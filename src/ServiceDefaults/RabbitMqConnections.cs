using RabbitMQ.Client;

namespace Credits.ServiceDefaults;

/// <summary>
/// Connections a host opens to RabbitMQ besides its bus (the console's dead letters and their redrive), to the broker
/// the bus uses: the nodes of <see cref="RabbitMqOptions.ClusterNodes"/> when set, else the host of the URL.
/// </summary>
public static class RabbitMqConnections
{
    public static Task<IConnection> OpenAsync(this RabbitMqOptions options, string clientName, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(options.Url), ClientProvidedName = clientName };
        if (options.ClusterNodeList is not { Count: > 0 } nodes) return factory.CreateConnectionAsync(ct);

        // The client tries the endpoints until one answers. A node without a port takes the URL's, as in the bus (Bus.cs),
        // and with amqps each node's certificate is checked against its own name.
        var endpoints = nodes.Select(node => RabbitMqOptions.ParseNode(node)!.Value).Select(node =>
            new AmqpTcpEndpoint(node.Host, node.Port ?? factory.Port, new SslOption(node.Host, enabled: factory.Ssl.Enabled)));
        return factory.CreateConnectionAsync(endpoints, ct);
    }
}
