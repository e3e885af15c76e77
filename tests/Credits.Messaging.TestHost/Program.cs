using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Credits.Messaging.TestHost;

// Usage: Credits.Messaging.TestHost <connection string> <amqp uri> <roles: Probe,Counter,None...> <delivery|no-delivery|stalled-sends>
// Prints "ready" once the bus is started; runs until killed or SIGTERM.
// stalled-sends: delivery on, but every send to the broker hangs, so a test can kill the host between a commit and its send.
var roles = Enum.Parse<OutboxTestRoles>(args[2]);
var delivery = args[3] != "no-delivery";
using var host = OutboxTestHostBuilder.Build(args[0], new Uri(args[1]), roles, o =>
{
    o.QueryDelay = TimeSpan.FromMilliseconds(100);
    if (!delivery) o.DisableDeliveryService();
});
if (args[3] == "stalled-sends") host.Services.GetRequiredService<IBus>().ConnectSendObserver(new StalledSends());
await host.StartAsync();
Console.WriteLine("ready");
await host.WaitForShutdownAsync();
