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
        // What is held equals the open reservations.
        Assert.Equal(0L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM ledger_accounts a
            WHERE a.held <> (SELECT coalesce(sum(amount), 0) FROM ledger_reservations r WHERE r.customer_id = a.customer_id AND r.status = 'Open')
            """));
    }
}
