using MassTransit;

namespace Credits.Messaging.TestHost;

/// <summary>Holds every send before it reaches the broker, for ever: the host commits its outbox units and cannot send them.</summary>
public sealed class StalledSends : ISendObserver
{
    public Task PreSend<T>(SendContext<T> context) where T : class => Task.Delay(Timeout.Infinite);
    public Task PostSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;
    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
