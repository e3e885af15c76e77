using System.Collections.Concurrent;
using MassTransit;

namespace Credits.IntegrationTests;

/// <summary>
/// A bus of the test's own on the system's virtual host: it publishes what producers would
/// (usage events) and records every event of the listed types that the system publishes.
/// </summary>
public sealed class TestBus : IAsyncDisposable
{
    readonly IBusControl _bus;
    readonly ConcurrentQueue<(object Message, Guid? MessageId)> _received = new();

    TestBus(IBusControl bus) => _bus = bus;

    public IPublishEndpoint Publisher => _bus;

    /// <summary>Sends straight to a queue of the system (e.g. an error queue), as MassTransit would.</summary>
    public Task<ISendEndpoint> QueueAsync(string queue) => _bus.GetSendEndpoint(new Uri($"queue:{queue}"));
    public IReadOnlyList<T> Received<T>() => _received.Select(r => r.Message).OfType<T>().ToList();

    /// <summary>What was received of <typeparamref name="T"/> with the MessageId it came with (deduplication is by that id).</summary>
    public IReadOnlyList<(T Message, Guid? MessageId)> ReceivedWithIds<T>() =>
        _received.Where(r => r.Message is T).Select(r => ((T)r.Message, r.MessageId)).ToList();

    public static async Task<TestBus> StartAsync(Uri virtualHost, params Type[] observed)
    {
        TestBus? self = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(virtualHost);
            cfg.ReceiveEndpoint("test-observer-" + Guid.NewGuid().ToString("N")[..8], e =>
            {
                e.AutoDelete = true;
                e.Durable = false;
                foreach (var type in observed)
                    typeof(TestBus).GetMethod(nameof(Observe), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                        .MakeGenericMethod(type).Invoke(null, [e, (Action<object, Guid?>)((m, id) => self!._received.Enqueue((m, id)))]);
            });
        });
        self = new TestBus(bus);
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return self;
    }

    static void Observe<T>(IRabbitMqReceiveEndpointConfigurator endpoint, Action<object, Guid?> record) where T : class =>
        endpoint.Handler<T>(context =>
        {
            record(context.Message, context.MessageId);
            return Task.CompletedTask;
        });

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
