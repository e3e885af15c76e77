using Credits.StripeEmulator.Hosting;
using Stripe;

namespace Credits.StripeEmulator.Tests.Support;

/// <summary>
/// Where the Stripe-facing tests send their calls: the in-process emulator (default) or real Stripe
/// test mode (<see cref="RealStripeTarget"/>, when STRIPE_TEST_SECRET_KEY is set). Tests use only
/// <see cref="Client"/> (Stripe.net) for Stripe calls.
/// </summary>
public abstract class StripeTarget : IAsyncLifetime
{
    public const string KeyVariable = "STRIPE_TEST_SECRET_KEY";

    public abstract StripeClient Client { get; }

    /// <summary>Null against real Stripe.</summary>
    public virtual RunningEmulator? Emulator => null;

    public bool IsEmulator => Emulator is not null;

    /// <summary>A unique suffix, so runs against a shared real account do not collide (lookup keys, event names).</summary>
    public string Unique { get; } = Guid.NewGuid().ToString("n")[..10];

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}

/// <summary>The emulator on a free port, with no aggregation delay and fast webhook retries.</summary>
public sealed class EmulatorTarget : StripeTarget
{
    private RunningEmulator? _emulator;
    private StripeClient? _client;

    public override RunningEmulator Emulator => _emulator ?? throw new InvalidOperationException("Not started");

    public override StripeClient Client => _client ?? throw new InvalidOperationException("Not started");

    public override async Task InitializeAsync()
    {
        _emulator = await StripeEmulatorApp.StartAsync(o =>
        {
            o.AggregationDelay = TimeSpan.Zero;
            o.WebhookRetryDelay = TimeSpan.FromMilliseconds(100);
        });
        _client = _emulator.CreateClient();
    }

    public override async Task DisposeAsync()
    {
        if (_emulator is not null) await _emulator.DisposeAsync();
    }
}

/// <summary>Real Stripe test mode; does nothing without STRIPE_TEST_SECRET_KEY (its tests are skipped then).</summary>
public sealed class RealStripeTarget : StripeTarget
{
    private readonly Lazy<StripeClient> _client = new(() =>
        new StripeClient(Environment.GetEnvironmentVariable(KeyVariable) ?? throw new InvalidOperationException($"{KeyVariable} is not set")));

    public override StripeClient Client => _client.Value;

    public override Task InitializeAsync() => Task.CompletedTask;

    public override Task DisposeAsync() => Task.CompletedTask;
}
