using Credits.Ledger.Engine;
using Credits.Ledger.Model;
using Npgsql;
using NpgsqlTypes;

namespace Credits.Ledger.Storage;

/// <summary>
/// The ledger's SQL: one round trip to lock and read the accounts a transaction touches, one to
/// write everything back and notify the listeners, whatever the number of operations (set-based, through unnest arrays).
/// </summary>
static class LedgerStore
{
    public sealed record AccountSeed(string CustomerId, string PlanId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd);

    /// <summary>
    /// The entries already written under a transaction's keys, by the keys' hashes (@h), which the unique index holds.
    /// The rows come back with their key's text, and the transaction matches them by that text, so a row of another key
    /// with the same hash is never taken for a prior entry. (Binding the texts as well cost a 1,000-event batch
    /// milliseconds; docs/BENCHMARKS.md, second pass.)
    /// </summary>
    /// <remarks>
    /// One probe of the index per hash, whatever the table's statistics. Asked as <c>key_hash = ANY(@h)</c>, the planner
    /// costs each of a usage batch's 2,000 hashes as a row to fetch and, up to some hundreds of thousands of entries,
    /// reads the whole table instead: the lookup grew from 7 to 85 ms a batch over a run, under the accounts' locks
    /// (docs/BENCHMARKS.md, twenty-second session). <c>OFFSET 0</c> keeps the subquery from being flattened into a join
    /// that the planner could again answer with a scan; <c>DISTINCT</c> returns a row once even if two keys share a hash.
    /// </remarks>
    internal const string PriorEntriesSql = """
        SELECT e.idempotency_key, e.sequence, e.customer_id, e.kind, e.quantity, e.grant_id, e.reservation_id, e.fingerprint
        FROM (SELECT DISTINCT unnest(@h)) AS k(hash)
        CROSS JOIN LATERAL (
            SELECT idempotency_key, sequence, customer_id, kind, quantity, grant_id, reservation_id, fingerprint
            FROM ledger_entries WHERE key_hash = k.hash OFFSET 0) AS e
        """;

    /// <summary>
    /// The accounts with archived months: their keys older than the hot table's are looked up in the cold tier
    /// (<see cref="Archive.ColdKeys"/>). A chunk's keys and the cursor that names it commit together, before its entries
    /// can be removed (<see cref="Archive.LedgerArchiver.RemoveArchivedAsync"/>), so a transaction finds every key of an
    /// account in the hot table, in the cold tier, or in both.
    /// </summary>
    internal const string ArchivedThroughSql = """
        SELECT a.customer_id, a.archived_through FROM unnest(@c) AS t(customer_id)
        CROSS JOIN LATERAL (SELECT customer_id, archived_through FROM ledger_archive_cursors
                            WHERE customer_id = t.customer_id AND archived_through > 0 OFFSET 0) AS a
        """;

    public static async Task<LoadedAccounts> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string[] customers, Guid[] keyHashes, string[] grantKeys, Guid[] reservationIds, IReadOnlyList<AccountSeed> seeds,
        IReadOnlyList<(string CustomerId, string MemberId)> members, DateTimeOffset now, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (seeds.Count > 0)
        {
            // A period start opens the account; the row must exist before it can be locked.
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_accounts (customer_id, plan_id, period_start, period_end, balance, held, overage_this_period,
                    overage_next_period, overage_suspended, created_at, updated_at)
                SELECT c, p, s, e, 0, 0, 0, 0, false, @now, @now FROM unnest(@c, @p, @s, @e) AS t(c, p, s, e)
                ON CONFLICT (customer_id) DO NOTHING
                """,
                Param("c", seeds.Select(s => s.CustomerId).ToArray()),
                Param("p", seeds.Select(s => s.PlanId).ToArray()),
                Param("s", seeds.Select(s => s.PeriodStart.UtcDateTime).ToArray()),
                Param("e", seeds.Select(s => s.PeriodEnd.UtcDateTime).ToArray()),
                Param("now", now.UtcDateTime)));
        }
        // Locks in customer-id order, so that transactions touching several accounts cannot deadlock.
        batch.BatchCommands.Add(Command("""
            SELECT customer_id, plan_id, period_start, period_end, balance, held, overage_this_period,
                   previous_period_start, overage_next_period, overage_suspended, low_balance_threshold, usage_remainder,
                   overage_previous_period, overage_cap, spend_cap_alerted
            FROM ledger_accounts WHERE customer_id = ANY(@c) ORDER BY customer_id FOR UPDATE
            """, Param("c", customers)));
        batch.BatchCommands.Add(Command("""
            SELECT id, customer_id, source, amount, remaining, priority, effective_at, expires_at, period_start, idempotency_key, created_at
            FROM ledger_grants WHERE customer_id = ANY(@c) AND (is_open OR idempotency_key = ANY(@k))
            ORDER BY created_at, id
            """, Param("c", customers), Param("k", grantKeys)));
        batch.BatchCommands.Add(Command("""
            SELECT id, customer_id, amount, status, expires_at, idempotency_key, created_at, closed_at
            FROM ledger_reservations WHERE customer_id = ANY(@c) AND (status = 'Open' OR id = ANY(@r))
            """, Param("c", customers), Param("r", reservationIds)));
        batch.BatchCommands.Add(Command(PriorEntriesSql, Param("h", keyHashes)));
        // After the locks, so that it sees every chunk archived before them; a probe of the cursors' key per account.
        batch.BatchCommands.Add(Command(ArchivedThroughSql, Param("c", customers)));
        if (members.Count > 0)
        {
            // A member's first usage creates it; after the accounts' locks, which serialize everything on an account.
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_members (customer_id, member_id, used_this_period, created_at)
                SELECT c, m, 0, @now FROM unnest(@c, @m) AS t(c, m)
                WHERE EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.customer_id = t.c)
                ON CONFLICT (customer_id, member_id) DO NOTHING
                """,
                Param("c", members.Select(m => m.CustomerId).ToArray()),
                Param("m", members.Select(m => m.MemberId).ToArray()),
                Param("now", now.UtcDateTime)));
            batch.BatchCommands.Add(Command("""
                SELECT l.id, l.customer_id, l.member_id, l.period_limit, l.period_start, l.used_this_period
                FROM ledger_members l JOIN unnest(@c, @m) AS t(c, m) ON l.customer_id = t.c AND l.member_id = t.m
                """,
                Param("c", members.Select(m => m.CustomerId).ToArray()),
                Param("m", members.Select(m => m.MemberId).ToArray())));
        }

        var loaded = new LoadedAccounts();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        // (Npgsql's reader skips the INSERT, which returns no rows.)
        while (await reader.ReadAsync(ct))
            loaded.Accounts.Add(new AccountState
            {
                CustomerId = reader.GetString(0),
                PlanId = reader.GetString(1),
                PeriodStart = reader.GetFieldValue<DateTimeOffset>(2),
                PeriodEnd = reader.GetFieldValue<DateTimeOffset>(3),
                Balance = reader.GetInt64(4),
                Held = reader.GetInt64(5),
                OverageThisPeriod = reader.GetInt64(6),
                PreviousPeriodStart = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                OverageNextPeriod = reader.GetInt64(8),
                OverageSuspended = reader.GetBoolean(9),
                LowBalanceThreshold = reader.IsDBNull(10) ? null : reader.GetInt64(10),
                UsageRemainder = reader.GetDecimal(11),
                OveragePreviousPeriod = reader.GetInt64(12),
                OverageCap = reader.IsDBNull(13) ? null : reader.GetInt64(13),
                SpendCapAlerted = reader.GetInt32(14),
            });
        await reader.NextResultAsync(ct);
        var ordinal = 0;
        while (await reader.ReadAsync(ct))
            loaded.Grants.Add((reader.GetString(1), new GrantState
            {
                Id = reader.GetGuid(0),
                Source = Enum.Parse<GrantSource>(reader.GetString(2)),
                Amount = reader.GetInt64(3),
                Remaining = reader.GetInt64(4),
                Priority = reader.GetInt32(5),
                EffectiveAt = reader.GetFieldValue<DateTimeOffset>(6),
                ExpiresAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                PeriodStart = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                IdempotencyKey = reader.GetString(9),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(10),
                Ordinal = ordinal++,
            }));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            loaded.Reservations.Add((reader.GetString(1), new ReservationState
            {
                Id = reader.GetGuid(0),
                Amount = reader.GetInt64(2),
                Status = Enum.Parse<ReservationStatus>(reader.GetString(3)),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(4),
                IdempotencyKey = reader.GetString(5),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
                ClosedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            }));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            loaded.PriorEntries.Add(new PriorEntry(
                reader.GetString(0), reader.GetInt32(1), reader.GetString(2), Enum.Parse<EntryKind>(reader.GetString(3)),
                reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetGuid(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7)));
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            loaded.ArchivedThrough[reader.GetString(0)] = reader.GetInt64(1);
        if (members.Count > 0 && await reader.NextResultAsync(ct))
            while (await reader.ReadAsync(ct))
                loaded.Members.Add((reader.GetString(1), new MemberState
                {
                    Id = reader.GetInt32(0),
                    MemberId = reader.GetString(2),
                    PeriodLimit = reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    PeriodStart = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    UsedThisPeriod = reader.GetInt64(5),
                }));
        return loaded;
    }

    /// <summary>
    /// Writes what the books changed in one batch. With <paramref name="commit"/>, a batch with writes ends with the
    /// transaction's <c>COMMIT</c> (<see cref="CommitWithLedgerSave"/>); true when it did.
    /// </summary>
    public static async Task<bool> SaveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<AccountBook> books, IReadOnlyList<NewEntry> entries, DateTimeOffset now, bool commit, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);

        var (newGrants, changedGrants, newReservations, changedReservations, members) = Changed(books);
        if (newGrants.Count > 0)
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_grants (id, customer_id, source, amount, remaining, priority, effective_at, expires_at, period_start, idempotency_key, created_at)
                SELECT * FROM unnest(@id, @c, @source, @amount, @remaining, @priority, @effective, @expires, @period, @key, @created)
                """,
                Param("id", newGrants.Select(x => x.g.Id).ToArray()),
                Param("c", newGrants.Select(x => x.CustomerId).ToArray()),
                Param("source", newGrants.Select(x => x.g.Source.ToString()).ToArray()),
                Param("amount", newGrants.Select(x => x.g.Amount).ToArray()),
                Param("remaining", newGrants.Select(x => x.g.Remaining).ToArray()),
                Param("priority", newGrants.Select(x => x.g.Priority).ToArray()),
                Param("effective", newGrants.Select(x => x.g.EffectiveAt.UtcDateTime).ToArray()),
                Param("expires", newGrants.Select(x => x.g.ExpiresAt?.UtcDateTime).ToArray()),
                Param("period", newGrants.Select(x => x.g.PeriodStart?.UtcDateTime).ToArray()),
                Param("key", newGrants.Select(x => x.g.IdempotencyKey).ToArray()),
                Param("created", newGrants.Select(x => x.g.CreatedAt.UtcDateTime).ToArray())));

        if (changedGrants.Count > 0)
            batch.BatchCommands.Add(Command("""
                UPDATE ledger_grants g SET remaining = u.remaining
                FROM unnest(@id, @remaining) AS u(id, remaining) WHERE g.id = u.id
                """,
                Param("id", changedGrants.Select(g => g.Id).ToArray()),
                Param("remaining", changedGrants.Select(g => g.Remaining).ToArray())));

        if (newReservations.Count > 0)
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_reservations (id, customer_id, amount, status, expires_at, idempotency_key, created_at, closed_at)
                SELECT * FROM unnest(@id, @c, @amount, @status, @expires, @key, @created, @closed)
                """,
                Param("id", newReservations.Select(x => x.r.Id).ToArray()),
                Param("c", newReservations.Select(x => x.CustomerId).ToArray()),
                Param("amount", newReservations.Select(x => x.r.Amount).ToArray()),
                Param("status", newReservations.Select(x => x.r.Status.ToString()).ToArray()),
                Param("expires", newReservations.Select(x => x.r.ExpiresAt.UtcDateTime).ToArray()),
                Param("key", newReservations.Select(x => x.r.IdempotencyKey).ToArray()),
                Param("created", newReservations.Select(x => x.r.CreatedAt.UtcDateTime).ToArray()),
                Param("closed", newReservations.Select(x => x.r.ClosedAt?.UtcDateTime).ToArray())));

        if (changedReservations.Count > 0)
            batch.BatchCommands.Add(Command("""
                UPDATE ledger_reservations r SET status = u.status, closed_at = u.closed
                FROM unnest(@id, @status, @closed) AS u(id, status, closed) WHERE r.id = u.id
                """,
                Param("id", changedReservations.Select(r => r.Id).ToArray()),
                Param("status", changedReservations.Select(r => r.Status.ToString()).ToArray()),
                Param("closed", changedReservations.Select(r => r.ClosedAt?.UtcDateTime).ToArray())));

        if (entries.Count > 0)
            batch.BatchCommands.Add(Command("""
                INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, grant_id, reservation_id,
                    idempotency_key, sequence, fingerprint, period_start, occurred_at, recorded_at, note, rate_id, native_quantity, member_ref)
                SELECT c, kind, amount, held, quantity, grant_id, reservation_id, key, seq, fingerprint, period, occurred, recorded, note, rate, native, member
                FROM unnest(@c, @kind, @amount, @held, @quantity, @grant, @reservation, @key, @seq, @fingerprint, @period, @occurred, @recorded, @note,
                        @rate, @native, @member)
                    WITH ORDINALITY AS t(c, kind, amount, held, quantity, grant_id, reservation_id, key, seq, fingerprint, period, occurred, recorded, note,
                        rate, native, member, n)
                ORDER BY n
                """,
                Param("c", entries.Select(e => e.CustomerId).ToArray()),
                Param("kind", entries.Select(e => e.Kind.ToString()).ToArray()),
                Param("amount", entries.Select(e => e.Amount).ToArray()),
                Param("held", entries.Select(e => e.HeldChange).ToArray()),
                Param("quantity", entries.Select(e => e.Quantity).ToArray()),
                Param("grant", entries.Select(e => e.GrantId).ToArray()),
                Param("reservation", entries.Select(e => e.ReservationId).ToArray()),
                Param("key", entries.Select(e => e.IdempotencyKey).ToArray()),
                Param("seq", entries.Select(e => e.Sequence).ToArray()),
                Param("fingerprint", entries.Select(e => e.Fingerprint).ToArray()),
                Param("period", entries.Select(e => e.PeriodStart.UtcDateTime).ToArray()),
                Param("occurred", entries.Select(e => e.OccurredAt.UtcDateTime).ToArray()),
                Param("recorded", entries.Select(e => e.RecordedAt.UtcDateTime).ToArray()),
                Param("note", entries.Select(e => e.Note).ToArray()),
                Param("rate", entries.Select(e => e.RateId).ToArray()),
                Param("native", entries.Select(e => e.NativeQuantity).ToArray()),
                Param("member", entries.Select(e => e.MemberRef).ToArray())));

        // Only what usage moved: the limit is the app's to set (CreditLedger.SetMemberLimitAsync), never written back here.
        if (members.Count > 0)
            batch.BatchCommands.Add(Command("""
                UPDATE ledger_members l SET used_this_period = u.used, period_start = u.ps
                FROM unnest(@id, @used, @ps) AS u(id, used, ps) WHERE l.id = u.id
                """,
                Param("id", members.Select(m => m.Id).ToArray()),
                Param("used", members.Select(m => m.UsedThisPeriod).ToArray()),
                Param("ps", members.Select(m => m.PeriodStart?.UtcDateTime).ToArray())));

        var accounts = books.Select(b => b.Account).Where(a => a.Changed).ToList();
        var changedCustomers = accounts.Select(a => a.CustomerId).ToArray();
        if (accounts.Count > 0)
            batch.BatchCommands.Add(Command("""
                UPDATE ledger_accounts a SET plan_id = u.plan, period_start = u.ps, period_end = u.pe, balance = u.balance,
                    held = u.held, overage_this_period = u.overage, previous_period_start = u.previous,
                    overage_next_period = u.overage_next, overage_suspended = u.suspended, low_balance_threshold = u.threshold,
                    usage_remainder = u.remainder, overage_previous_period = u.overage_previous, overage_cap = u.cap,
                    spend_cap_alerted = u.alerted, updated_at = @now
                FROM unnest(@c, @plan, @ps, @pe, @balance, @held, @overage, @previous, @overage_next, @suspended, @threshold, @remainder,
                        @overage_previous, @cap, @alerted)
                    AS u(c, plan, ps, pe, balance, held, overage, previous, overage_next, suspended, threshold, remainder,
                        overage_previous, cap, alerted)
                WHERE a.customer_id = u.c
                """,
                Param("c", changedCustomers),
                Param("plan", accounts.Select(a => a.PlanId).ToArray()),
                Param("ps", accounts.Select(a => a.PeriodStart.UtcDateTime).ToArray()),
                Param("pe", accounts.Select(a => a.PeriodEnd.UtcDateTime).ToArray()),
                Param("balance", accounts.Select(a => a.Balance).ToArray()),
                Param("held", accounts.Select(a => a.Held).ToArray()),
                Param("overage", accounts.Select(a => a.OverageThisPeriod).ToArray()),
                Param("previous", accounts.Select(a => a.PreviousPeriodStart?.UtcDateTime).ToArray()),
                Param("overage_next", accounts.Select(a => a.OverageNextPeriod).ToArray()),
                Param("suspended", accounts.Select(a => a.OverageSuspended).ToArray()),
                Param("threshold", accounts.Select(a => a.LowBalanceThreshold).ToArray()),
                Param("remainder", accounts.Select(a => a.UsageRemainder).ToArray()),
                Param("overage_previous", accounts.Select(a => a.OveragePreviousPeriod).ToArray()),
                Param("cap", accounts.Select(a => a.OverageCap).ToArray()),
                Param("alerted", accounts.Select(a => a.SpendCapAlerted).ToArray()),
                Param("now", now.UtcDateTime)));

        // Listeners hear of every customer whose account changed, once the transaction commits: by its entries (every
        // entry changes its account: AccountBook.Posting.Add) or alone (a spend cap, a low-balance threshold: the balance
        // stream shows them too, and a page would otherwise keep an older event's view). One book per account, so the
        // ids are distinct without a set.
        if (changedCustomers.Length > 0) batch.BatchCommands.Add(BalanceNotifications.Command(changedCustomers));

        if (batch.BatchCommands.Count == 0) return false;
        if (commit) batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(ct);
        return commit;
    }

    /// <summary>
    /// The rows the books added or changed, in one pass over the books: a batch's hundreds of accounts mostly changed only
    /// their balance, and a query per kind of row built iterators for each of them.
    /// </summary>
    static (List<(string CustomerId, GrantState g)> NewGrants, List<GrantState> ChangedGrants,
        List<(string CustomerId, ReservationState r)> NewReservations, List<ReservationState> ChangedReservations,
        List<MemberState> Members) Changed(IReadOnlyCollection<AccountBook> books)
    {
        List<(string, GrantState)> newGrants = [];
        List<GrantState> changedGrants = [];
        List<(string, ReservationState)> newReservations = [];
        List<ReservationState> changedReservations = [];
        List<MemberState> members = [];
        foreach (var book in books)
        {
            foreach (var g in book.Grants)
                if (g.IsNew) newGrants.Add((book.Account.CustomerId, g));
                else if (g.Changed) changedGrants.Add(g);
            foreach (var r in book.Reservations)
                if (r.IsNew) newReservations.Add((book.Account.CustomerId, r));
                else if (r.Changed) changedReservations.Add(r);
            foreach (var m in book.Members)
                if (m.Changed) members.Add(m);
        }
        return (newGrants, changedGrants, newReservations, changedReservations, members);
    }

    static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    static NpgsqlParameter Param<T>(string name, T value) => new NpgsqlParameter<T>(name, value);
}
