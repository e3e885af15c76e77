using System.Data;
using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger.Pricing;

/// <summary>
/// Makes the configured rate card versions the shared truth: each version not yet in <c>rate_card_versions</c> is
/// written with its rates; a version already there must be configured exactly as it was published, because entries
/// were priced under it. Safe to run from every instance at once (one at a time, under an advisory lock).
/// </summary>
public static class RateCardPublisher
{
    /// <summary>
    /// How long after its publication a new version may take effect, when an earlier one exists: longer than
    /// <see cref="RateCards.RefreshAfter"/> plus the future skew a usage timestamp may have
    /// (<see cref="Commands.DebitCredits.MaxFutureSkew"/>), so that no instance prices usage at or after the new
    /// version's time with the old one. The first version may take effect at any time: before it, priced usage was
    /// refused, not priced.
    /// </summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMinutes(10);

    const long AdvisoryLockKey = 0x7261_7465_6361_7264; // "ratecard"

    /// <summary>Publishes what is new; returns the versions it wrote. Throws <see cref="RateCardConflictException"/>.</summary>
    public static async Task<IReadOnlyList<int>> PublishAsync(DbContext db, RateCardCatalog catalog, DateTimeOffset now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
            var published = await RateCardSnapshot.LoadAsync(db, ct);
            var known = published.Versions.ToDictionary(v => v.Version.Version);
            var latest = published.Versions.Select(v => v.Version).LastOrDefault();
            // On an empty table every configured version is published as it is: nothing was priced before them.
            var first = published.IsEmpty;
            var written = new List<int>();
            foreach (var card in catalog.Versions)
            {
                if (known.TryGetValue(card.Version, out var existing))
                {
                    if (Differs(card, existing.Version, existing.Rates) is { } difference)
                        throw new RateCardConflictException(
                            $"rate card version {card.Version} was published on {existing.Version.PublishedAt:O} and {difference}; " +
                            "a published version never changes: configure the new rates as a new version");
                    continue;
                }
                if (latest is not null && card.Version < latest.Version)
                    throw new RateCardConflictException(
                        $"rate card version {card.Version} is not published but version {latest.Version} is: versions are published in order");
                if (latest is not null && card.EffectiveFrom <= latest.EffectiveFrom)
                    throw new RateCardConflictException(
                        $"rate card version {card.Version} takes effect at {card.EffectiveFrom:O}, not after version {latest.Version} ({latest.EffectiveFrom:O})");
                if (!first && card.EffectiveFrom < now + Lead)
                    throw new RateCardConflictException(
                        $"rate card version {card.Version} takes effect at {card.EffectiveFrom:O}, less than {Lead.TotalMinutes:0} minutes " +
                        "after its publication: every instance must know a version before usage can occur under it");

                var version = new RateCardVersion { Version = card.Version, EffectiveFrom = card.EffectiveFrom, PublishedAt = now };
                db.Add(version);
                db.AddRange(card.Rates.Select(r => new UsageRate
                {
                    Version = card.Version, Feature = r.Feature, Unit = r.Unit, CreditsPerUnit = r.CreditsPerUnit,
                }));
                written.Add(card.Version);
                latest = version;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return written;
        });
    }

    static string? Differs(RateCardDefinition card, RateCardVersion version, IReadOnlyCollection<UsageRate> rates)
    {
        if (card.EffectiveFrom != version.EffectiveFrom)
            return $"took effect at {version.EffectiveFrom:O}, not {card.EffectiveFrom:O}";
        var configured = card.Rates.Select(r => (r.Feature, r.Unit, r.CreditsPerUnit)).OrderBy(r => r).ToList();
        var stored = rates.Select(r => (r.Feature, r.Unit, r.CreditsPerUnit)).OrderBy(r => r).ToList();
        return configured.SequenceEqual(stored) ? null : "its rates were different";
    }
}

/// <summary>The configured rate cards contradict what was published: the host must not start with them.</summary>
public sealed class RateCardConflictException(string message) : Exception(message);
