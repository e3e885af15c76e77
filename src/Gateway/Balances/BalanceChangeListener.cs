using System.Collections.Concurrent;
using System.Threading.Channels;
using Credits.Ledger;
using Npgsql;

namespace Credits.Gateway.Balances;

/// <summary>
/// Tells open balance streams when a customer's balance changed. The ledger sends a PostgreSQL
/// NOTIFY on its channel in the transaction of every change, so notifications arrive only after
/// commit, from whichever instance or host made the change, and every Gateway instance hears them.
/// </summary>
public sealed class BalanceChangeListener(NpgsqlDataSource dataSource, ILogger<BalanceChangeListener> logger) : BackgroundService
{
    readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<bool>, byte>> _subscribers = new();

    /// <summary>A signal channel that receives an item (coalesced) whenever the customer's balance changes.</summary>
    public Subscription Subscribe(string customerId)
    {
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        _subscribers.GetOrAdd(customerId, _ => new()).TryAdd(channel, 0);
        return new Subscription(channel.Reader, () =>
        {
            if (_subscribers.TryGetValue(customerId, out var set)) set.TryRemove(channel, out _);
        });
    }

    public sealed class Subscription(ChannelReader<bool> changes, Action unsubscribe) : IDisposable
    {
        public ChannelReader<bool> Changes { get; } = changes;
        public void Dispose() => unsubscribe();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Signal(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {BalanceNotifications.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Changes missed while reconnecting: wake every stream once so it re-reads.
                foreach (var customer in _subscribers.Keys) Signal(customer);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Balance change listener lost its connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    void Signal(string customerId)
    {
        if (!_subscribers.TryGetValue(customerId, out var channels)) return;
        foreach (var channel in channels.Keys) channel.Writer.TryWrite(true);
    }
}
