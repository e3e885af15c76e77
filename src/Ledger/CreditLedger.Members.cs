using Credits.Ledger.Queries;
using Credits.Ledger.Storage;
using Npgsql;

namespace Credits.Ledger;

// Shared balances: an account's members, their limits and what they spent this period.
public sealed partial class CreditLedger
{
    /// <summary>
    /// Sets (or, with null, removes) the member's own limit per period, creating the member if new. Takes effect for the
    /// next usage: the usage path reads the limit under the account's lock and never writes it. Null when the customer has
    /// no account.
    /// </summary>
    public async Task<MemberView?> SetMemberLimitAsync(string customerId, string memberId, long? limitPerPeriod, CancellationToken ct = default)
    {
        // One statement on its own: an upsert needs no transaction of its own, and joins the caller's when there is one.
        var written = await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO ledger_members (customer_id, member_id, period_limit, used_this_period, created_at)
                SELECT @c, @m, @limit, 0, now() WHERE EXISTS (SELECT 1 FROM ledger_accounts WHERE customer_id = @c)
                ON CONFLICT (customer_id, member_id) DO UPDATE SET period_limit = excluded.period_limit
                """, connection, transaction);
            command.Parameters.AddWithValue("c", customerId);
            command.Parameters.AddWithValue("m", memberId);
            command.Parameters.Add(new NpgsqlParameter<long?>("limit", limitPerPeriod) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);
        return written == 0 ? null : (await GetMembersAsync(customerId, memberId, ct))!.Single();
    }

    /// <summary>The account's members (or the one named), by member id; null when the customer has no account.</summary>
    public async Task<IReadOnlyList<MemberView>?> GetMembersAsync(string customerId, string? memberId = null, CancellationToken ct = default) =>
        await LedgerConnection.OnConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT l.member_id, l.period_limit, CASE WHEN l.period_start = a.period_start THEN l.used_this_period ELSE 0 END
                FROM ledger_accounts a LEFT JOIN ledger_members l ON l.customer_id = a.customer_id AND (@m::text IS NULL OR l.member_id = @m)
                WHERE a.customer_id = @c ORDER BY l.member_id
                """, connection, transaction);
            command.Parameters.AddWithValue("c", customerId);
            command.Parameters.Add(new NpgsqlParameter<string?>("m", memberId) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(ct);
            List<MemberView>? members = null;
            while (await reader.ReadAsync(ct))
            {
                members ??= [];
                if (reader.IsDBNull(0)) continue;
                long? limit = reader.IsDBNull(1) ? null : reader.GetInt64(1);
                var used = reader.GetInt64(2);
                members.Add(new MemberView(reader.GetString(0), limit, used, limit is { } l ? Math.Max(0, l - used) : null));
            }
            return (IReadOnlyList<MemberView>?)members;
        }, ct);

    /// <summary>
    /// <see cref="CheckEntitlementAsync"/> for a member of a shared balance: also refused when the member's own limit for
    /// the period has no room for <paramref name="credits"/>.
    /// </summary>
    public async Task<Entitlement?> CheckMemberEntitlementAsync(string customerId, long credits, string memberId, CancellationToken ct = default)
    {
        if (await CheckEntitlementAsync(customerId, credits, ct) is not { } entitlement) return null;
        var member = (await GetMembersAsync(customerId, memberId, ct))?.SingleOrDefault();
        if (member?.Remaining is not { } remaining) return entitlement with { MemberId = memberId };
        if (!entitlement.Allowed || credits <= remaining) return entitlement with { MemberId = memberId, MemberRemaining = remaining };
        return entitlement with
        {
            Allowed = false, WouldUseOverage = false, MemberId = memberId, MemberRemaining = remaining,
            Reason = $"{credits} credits requested, member '{memberId}' has {remaining} of its {member.LimitPerPeriod} left this period",
        };
    }
}
