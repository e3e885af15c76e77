using Credits.Ledger.Results;

namespace Credits.Ledger.Tests.Properties;

/// <summary>
/// The ledger's rules written the simplest way, in memory, to compare the real ledger with:
/// burn by priority, then soonest expiry, then oldest; holds count against what is available;
/// beyond it, overage or write-off by plan; expiry lapses grants and holds when due.
/// </summary>
public sealed class ReferenceLedger(bool overageAllowed, long[] thresholds)
{
    public sealed class Grant
    {
        public required string Key { get; init; }
        public required long Remaining { get; set; }
        public required int Priority { get; init; }
        public required DateTimeOffset? ExpiresAt { get; init; }
        public required int Order { get; init; }
    }

    public sealed class Reservation
    {
        public required long Amount { get; init; }
        public required DateTimeOffset ExpiresAt { get; init; }
        public string Status { get; set; } = "open";
    }

    public sealed record Expected(LedgerOutcome Outcome, long Debited = 0, long Overage = 0, long WrittenOff = 0, bool WroteEntries = false);

    readonly List<Grant> _grants = [];
    public List<Reservation> Reservations { get; } = [];
    public IReadOnlyList<Grant> Grants => _grants;
    public long Held { get; private set; }
    public long Overage { get; private set; }
    long _reported;

    /// <summary>Starts a transaction at <paramref name="now"/>: due things lapse, crossings measure from here.</summary>
    public void Begin(DateTimeOffset now)
    {
        _reported = Math.Max(0, _grants.Sum(g => g.Remaining) - Held);
        foreach (var r in Reservations.Where(r => r.Status == "open" && r.ExpiresAt <= now))
        {
            r.Status = "expired";
            Held -= r.Amount;
        }
        foreach (var g in _grants.Where(g => g.ExpiresAt <= now)) g.Remaining = 0;
    }

    public long Available(DateTimeOffset now) =>
        Math.Max(0, _grants.Where(g => !(g.ExpiresAt <= now)).Sum(g => g.Remaining) - Held);

    /// <summary>Thresholds crossed and exhaustion since the last applied operation.</summary>
    public (long[] Thresholds, bool Exhausted) Crossings(DateTimeOffset now)
    {
        var before = _reported;
        var after = Available(now);
        _reported = after;
        return (thresholds.Where(t => before > t && after <= t).OrderDescending().ToArray(), before > 0 && after == 0);
    }

    public Expected AddGrant(string key, long credits, int priority, DateTimeOffset? expiresAt)
    {
        _grants.Add(new Grant { Key = key, Remaining = credits, Priority = priority, ExpiresAt = expiresAt, Order = _grants.Count });
        return new Expected(LedgerOutcome.Applied, WroteEntries: true);
    }

    public Expected Debit(long credits, DateTimeOffset now)
    {
        var burnt = Burn(credits, now);
        return burnt with { WroteEntries = true };
    }

    Expected Burn(long credits, DateTimeOffset now)
    {
        var toBurn = Math.Min(credits, Available(now));
        var left = toBurn;
        foreach (var g in _grants.Where(g => g.Remaining > 0 && !(g.ExpiresAt <= now))
                     .OrderBy(g => g.Priority).ThenBy(g => g.ExpiresAt ?? DateTimeOffset.MaxValue).ThenBy(g => g.Order))
        {
            var take = Math.Min(left, g.Remaining);
            g.Remaining -= take;
            left -= take;
        }
        var excess = credits - toBurn;
        if (overageAllowed) Overage += excess;
        return new Expected(LedgerOutcome.Applied, toBurn, overageAllowed ? excess : 0, overageAllowed ? 0 : excess);
    }

    public Expected Reserve(long credits, TimeSpan ttl, DateTimeOffset now)
    {
        if (credits > Available(now)) return new Expected(LedgerOutcome.Refused);
        Reservations.Add(new Reservation { Amount = credits, ExpiresAt = now + ttl });
        Held += credits;
        return new Expected(LedgerOutcome.Applied, WroteEntries: true);
    }

    public Expected Settle(Reservation r, long actual, DateTimeOffset now)
    {
        if (r.Status is "settled" or "released") return new Expected(LedgerOutcome.Refused);
        var wasOpen = r.Status == "open";
        if (wasOpen) Held -= r.Amount;
        r.Status = "settled";
        var burnt = actual > 0 ? Burn(actual, now) : new Expected(LedgerOutcome.Applied);
        return burnt with { WroteEntries = wasOpen || actual > 0 };
    }

    public Expected Release(Reservation r)
    {
        switch (r.Status)
        {
            case "settled": return new Expected(LedgerOutcome.Refused);
            case "released" or "expired": return new Expected(LedgerOutcome.Applied);
        }
        r.Status = "released";
        Held -= r.Amount;
        return new Expected(LedgerOutcome.Applied, WroteEntries: true);
    }

    public Expected Reverse(Grant g, long? credits)
    {
        g.Remaining -= Math.Min(credits ?? g.Remaining, g.Remaining);
        return new Expected(LedgerOutcome.Applied, WroteEntries: true);
    }
}
