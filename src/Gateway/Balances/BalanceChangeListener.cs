using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Credits.Gateway.RateLimits;
using Credits.Ledger;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Credits.Gateway.Balances;

/// <summary>
/// Tells open balance streams when a customer's balance changed. The ledger sends a PostgreSQL
/// NOTIFY on its channel in the transaction of every change, so notifications arrive only after
/// commit, from whichever instance or host made the change, and every Gateway instance hears them.
/// It also holds this instance's stream slots: at most RateLimits:BalanceStreams:PerCustomer per customer and
/// :Total in all, and a customer's entry lives exactly as long as the customer has a stream open here.
/// </summary>
public sealed class BalanceChangeListener : BackgroundService
{
    public const string MeterName = "Credits.Gateway";

    readonly NpgsqlDataSource _dataSource;
    readonly IOptionsMonitor<RateLimitOptions> _options;
    readonly ILogger<BalanceChangeListener> _logger;
    readonly Lock _lock = new();
    readonly Dictionary<string, HashSet<Channel<bool>>> _subscribers = new();
    int _streams;

    public BalanceChangeListener(NpgsqlDataSource dataSource, IOptionsMonitor<RateLimitOptions> options, IMeterFactory meters,
        ILogger<BalanceChangeListener> logger)
    {
        _dataSource = dataSource;
        _options = options;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableUpDownCounter("credits.balance_streams.open", () => Streams, "{stream}", "Balance streams open on this instance");
        meter.CreateObservableUpDownCounter("credits.balance_streams.customers", () => Customers, "{customer}",
            "Customers with a balance stream open on this instance");
    }

    /// <summary>Why a stream was not opened.</summary>
    public enum Refusal { None, CustomerFull, AllFull }

    /// <summary>Open streams on this instance.</summary>
    public int Streams { get { lock (_lock) return _streams; } }

    /// <summary>Customers with at least one open stream on this instance (the listener's entries).</summary>
    public int Customers { get { lock (_lock) return _subscribers.Count; } }

    /// <summary>A signal channel that receives an item (coalesced) whenever the customer's balance changes, or why not.</summary>
    public (Subscription? Subscription, Refusal Refusal) TrySubscribe(string customerId)
    {
        var limits = _options.CurrentValue.BalanceStreams;
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        lock (_lock)
        {
            if (_streams >= limits.Total) return (null, Refusal.AllFull);
            if (!_subscribers.TryGetValue(customerId, out var channels)) _subscribers[customerId] = channels = [];
            else if (channels.Count >= limits.PerCustomer) return (null, Refusal.CustomerFull);
            channels.Add(channel);
            _streams++;
        }
        return (new Subscription(channel.Reader, () => Unsubscribe(customerId, channel)), Refusal.None);
    }

    void Unsubscribe(string customerId, Channel<bool> channel)
    {
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(customerId, out var channels) || !channels.Remove(channel)) return;
            _streams--;
            // The last stream of the customer: forget the customer, or every customer ever streamed stays here.
            if (channels.Count == 0) _subscribers.Remove(customerId);
        }
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
                await using var connection = await _dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Signal(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {BalanceNotifications.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Changes missed while reconnecting: wake every stream once so it re-reads.
                string[] customers;
                lock (_lock) customers = [.. _subscribers.Keys];
                foreach (var customer in customers) Signal(customer);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Balance change listener lost its connection; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    void Signal(string customerId)
    {
        Channel<bool>[] channels;
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(customerId, out var set)) return;
            channels = [.. set];
        }
        foreach (var channel in channels) channel.Writer.TryWrite(true);
    }
}
