using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Testing;
using Xunit;

namespace Credits.Ledger.Tests.Support;

/// <summary>One customer of a test, with its own id, clock and ledger, and short ways to drive it.</summary>
public sealed class Customer : IAsyncDisposable
{
    public static readonly DateTimeOffset PeriodStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset PeriodEnd = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    readonly LedgerTestDbContext _db;
    int _keys;

    public Customer(LedgerDatabase database, DateTimeOffset? now = null)
    {
        Clock = new ManualClock(now ?? PeriodStart.AddDays(1));
        (Ledger, _db) = database.NewLedger(Clock);
    }

    public string Id { get; } = "cus_" + Guid.NewGuid().ToString("N")[..12];
    public ManualClock Clock { get; }
    public CreditLedger Ledger { get; }

    public string NextKey() => $"{Id}-k{++_keys}";

    public async Task<LedgerResult> StartAsync(string plan, long? allowance = null, DateTimeOffset? start = null, DateTimeOffset? end = null) =>
        Applied(await Ledger.StartPeriodAsync(new StartPeriod
        {
            CustomerId = Id, IdempotencyKey = NextKey(), PlanId = plan,
            PeriodStart = start ?? PeriodStart, PeriodEnd = end ?? PeriodEnd, Allowance = allowance,
        }));

    public async Task<LedgerResult> GrantAsync(long credits, GrantSource source = GrantSource.Purchase, int? priority = null,
        DateTimeOffset? expiresAt = null, string? key = null) =>
        Applied(await Ledger.GrantAsync(new GrantCredits
        {
            CustomerId = Id, IdempotencyKey = key ?? NextKey(), Credits = credits, Source = source, Priority = priority, ExpiresAt = expiresAt,
        }));

    public Task<LedgerResult> DebitAsync(long credits, string? key = null, DateTimeOffset? occurredAt = null) =>
        Ledger.DebitAsync(new DebitCredits { CustomerId = Id, IdempotencyKey = key ?? NextKey(), Credits = credits, OccurredAt = occurredAt });

    public Task<LedgerResult> ReserveAsync(long credits, TimeSpan? ttl = null, string? key = null) =>
        Ledger.ReserveAsync(new ReserveCredits { CustomerId = Id, IdempotencyKey = key ?? NextKey(), Credits = credits, TimeToLive = ttl ?? TimeSpan.FromMinutes(5) });

    public async Task<long> AvailableAsync() => (await Ledger.GetBalanceAsync(Id))!.Available;

    static LedgerResult Applied(LedgerResult result)
    {
        Assert.True(result.Outcome == LedgerOutcome.Applied, $"{result.Outcome}: {result.Reason}");
        return result;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
