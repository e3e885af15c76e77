using Microsoft.Extensions.Hosting;
using Credits.Messaging.TestHost;

// Usage: Credits.Messaging.TestHost <connection string> <amqp uri> <roles: Probe,Counter,None...> <delivery|no-delivery>
// Prints "ready" once the bus is started; runs until killed or SIGTERM.
var roles = Enum.Parse<OutboxTestRoles>(args[2]);
var delivery = args[3] == "delivery";
using var host = OutboxTestHostBuilder.Build(args[0], new Uri(args[1]), roles, o =>
{
    o.QueryDelay = TimeSpan.FromMilliseconds(100);
    if (!delivery) o.DisableDeliveryService();
});
await host.StartAsync();
Console.WriteLine("ready");
await host.WaitForShutdownAsync();
