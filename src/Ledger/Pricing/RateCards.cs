namespace Credits.Ledger.Pricing;

/// <summary>
/// The published rate cards, read from PostgreSQL and kept for <see cref="RefreshAfter"/>. Every instance of every
/// host prices from the same table, and a version is published at least <see cref="RateCardPublisher.Lead"/> before
/// it takes effect, so every instance knows it before usage can occur under it.
/// </summary>
public sealed class RateCards(Func<CancellationToken, Task<RateCardSnapshot>> load, TimeProvider clock)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);

    volatile Loaded? _loaded;

    sealed record Loaded(RateCardSnapshot Snapshot, DateTimeOffset At);

    public async ValueTask<RateCardSnapshot> CurrentAsync(CancellationToken ct)
    {
        var loaded = _loaded;
        var now = clock.GetUtcNow();
        if (loaded is not null && now - loaded.At < RefreshAfter) return loaded.Snapshot;
        var snapshot = await load(ct);
        // Nothing published yet (a host that started before the first publication): ask again next time.
        _loaded = snapshot.IsEmpty ? null : new Loaded(snapshot, now);
        return snapshot;
    }

    /// <summary>This process published a version: read them again on the next price.</summary>
    public void Invalidate() => _loaded = null;
}
