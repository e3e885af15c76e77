using Microsoft.EntityFrameworkCore;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// What a request could have written or published, as one comparable value: the ledger's entries, accounts and
/// reservations, the operation requests, and the outbox's identity sequence (rows leave the outbox once relayed to
/// RabbitMQ, the sequence never goes back, so a message published and relayed still shows).
/// </summary>
static class WrittenState
{
    public static async Task<string> ReadAsync(Accounts accounts)
    {
        await using var db = accounts.NewDbContext();
        return await db.Database.SqlQuery<string>($"""
            SELECT concat_ws('/', (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM ledger_accounts),
                   (SELECT count(*) FROM ledger_reservations), (SELECT count(*) FROM operation_requests),
                   coalesce(pg_sequence_last_value(pg_get_serial_sequence('outbox_message', 'sequence_number')), 0)) AS "Value"
            """).SingleAsync();
    }
}
