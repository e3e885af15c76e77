using Credits.Contracts.Ledger;
using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger.Expiry;

/// <summary>
/// Which grants to warn about before they lapse, claimed once each. A grant qualifies when it has an expiry of its own
/// (no billing period: operator grants, promotions, anything sold with an expiry), something unspent, has taken effect,
/// and lapses within the window. The plan's allowance and its rollover are left out: they belong to a period and
/// renew with it, so a warning every month would be noise.
/// </summary>
public static class ExpiryWarnings
{
    /// <summary>
    /// Records a warning row for each qualifying grant not warned about yet (at most <paramref name="limit"/>, soonest
    /// expiry first) and returns the CreditsExpiring to publish for them. Call it inside a transaction that also holds
    /// the outbox messages: a concurrent claim of the same grant waits on the key and then finds it taken.
    /// </summary>
    public static async Task<IReadOnlyList<CreditsExpiring>> ClaimAsync(DbContext db, DateTimeOffset now, TimeSpan warnBefore, int limit,
        CancellationToken ct = default)
    {
        var until = now + warnBefore;
        var claimed = await db.Database.SqlQuery<Claimed>($"""
            INSERT INTO ledger_expiry_warnings (grant_id, customer_id, source, grant_key, credits, expires_at, sent_at)
            SELECT g.id, g.customer_id, g.source, g.idempotency_key, g.remaining, g.expires_at, {now}
            FROM ledger_grants g
            WHERE g.is_open AND g.period_start IS NULL AND g.expires_at > {now} AND g.expires_at <= {until}
              AND g.effective_at <= {now}
              AND NOT EXISTS (SELECT 1 FROM ledger_expiry_warnings w WHERE w.grant_id = g.id)
            ORDER BY g.expires_at
            LIMIT {limit}
            ON CONFLICT (grant_id) DO NOTHING
            RETURNING grant_id AS "GrantId", customer_id AS "CustomerId", source AS "Source", grant_key AS "GrantKey",
                      credits AS "Credits", expires_at AS "ExpiresAt"
            """).ToListAsync(ct);
        return claimed.Select(c => new CreditsExpiring
        {
            CustomerId = c.CustomerId, GrantId = c.GrantId, GrantKey = c.GrantKey, Source = c.Source, Credits = c.Credits,
            ExpiresAt = c.ExpiresAt, OccurredAt = now,
        }).ToList();
    }

    sealed class Claimed
    {
        public Guid GrantId { get; set; }
        public string CustomerId { get; set; } = "";
        public string Source { get; set; } = "";
        public string GrantKey { get; set; } = "";
        public long Credits { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
    }
}
