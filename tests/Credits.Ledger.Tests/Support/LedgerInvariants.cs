using Xunit;

namespace Credits.Ledger.Tests.Support;

/// <summary>The ledger's invariants, checked straight in the database.</summary>
public static class LedgerInvariants
{
    public static async Task AssertHoldAsync(LedgerDatabase database)
    {
        // The account's totals equal the sums of its entries.
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_accounts a WHERE
              a.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.customer_id = a.customer_id)
              OR a.held <> (SELECT coalesce(sum(held_change), 0) FROM ledger_entries e WHERE e.customer_id = a.customer_id)
              OR a.overage_this_period <> (SELECT coalesce(sum(quantity), 0) FROM ledger_entries e
                  WHERE e.customer_id = a.customer_id AND e.kind = 'Overage' AND e.period_start = a.period_start)
              OR a.overage_previous_period <> (SELECT coalesce(sum(quantity), 0) FROM ledger_entries e
                  WHERE e.customer_id = a.customer_id AND e.kind = 'Overage' AND e.period_start = a.previous_period_start)
            """));
        // Each grant's remaining is its amount less what its entries took, never negative; the balance is their sum.
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_grants g WHERE g.remaining < 0 OR g.remaining > g.amount
              OR g.remaining <> g.amount + (SELECT coalesce(sum(amount), 0) FROM ledger_entries e
                  WHERE e.grant_id = g.id AND e.kind IN ('Debit', 'Expiry', 'Reversal'))
            """));
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_accounts a
            WHERE a.balance <> (SELECT coalesce(sum(remaining), 0) FROM ledger_grants g WHERE g.customer_id = a.customer_id)
               OR a.balance < 0 OR a.held < 0
            """));
        // Priced usage: what its credits and the carried remainder come to is exactly its price, and the remainder is
        // below one credit. Nothing of a fraction is lost or invented.
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_accounts a
            WHERE a.usage_remainder < 0 OR a.usage_remainder >= 1
               OR (SELECT coalesce(sum(e.native_quantity * r.credits_per_unit), 0)
                   FROM ledger_entries e JOIN usage_rates r ON r.id = e.rate_id WHERE e.customer_id = a.customer_id)
                  <> a.usage_remainder + (SELECT coalesce(sum(x.quantity), 0) FROM ledger_entries x
                       WHERE x.customer_id = a.customer_id AND x.kind IN ('Debit', 'Overage', 'WriteOff')
                         AND x.idempotency_key IN (SELECT p.idempotency_key FROM ledger_entries p
                                                   WHERE p.customer_id = a.customer_id AND p.rate_id IS NOT NULL))
            """));
        // What is held equals the open reservations.
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_accounts a
            WHERE a.held <> (SELECT coalesce(sum(amount), 0) FROM ledger_reservations r WHERE r.customer_id = a.customer_id AND r.status = 'Open')
            """));
    }
}
