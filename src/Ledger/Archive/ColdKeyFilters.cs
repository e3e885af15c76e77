using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Credits.Ledger.Archive;

/// <summary>
/// Each account's cold-key filters and fences (<see cref="ArchivedKeys"/>) in memory, within a budget of bytes: one per
/// host (registered as a singleton), so that a new event of an account with archived months is told new without a
/// read. Chunks never change once written, and an account's set only grows as its archive cursor moves, so an entry is
/// good for as long as the account's <c>archived_through</c> is the one it was read at; a later one reads the set again.
/// The least used accounts leave first when the budget is spent.
/// </summary>
public sealed class ColdKeyFilters : IDisposable
{
    /// <summary>The default budget (<c>Ledger:ColdKeyCacheMegabytes</c>): about 50 million archived keys' filters.</summary>
    public const long DefaultBudgetBytes = 64L * 1024 * 1024;

    readonly MemoryCache _cache;

    public ColdKeyFilters(long budgetBytes = DefaultBudgetBytes) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = budgetBytes, CompactionPercentage = 0.25 });

    /// <summary>An archived chunk's filter and fences; null for a chunk archived before keys were (none until indexed).</summary>
    internal sealed record Chunk(long FirstEntryId, byte[]? Filter, byte[]? Fences);

    internal sealed record Account(long ArchivedThrough, Chunk[] Chunks);

    /// <summary>The accounts' chunks as of their <paramref name="archivedThrough"/>, read for those not in memory in one statement.</summary>
    internal async Task<Dictionary<string, Account>> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyDictionary<string, long> archivedThrough, CancellationToken ct)
    {
        var accounts = new Dictionary<string, Account>(archivedThrough.Count, StringComparer.Ordinal);
        List<string>? missing = null;
        foreach (var (customerId, through) in archivedThrough)
            if (_cache.TryGetValue(customerId, out Account? cached) && cached!.ArchivedThrough == through) accounts[customerId] = cached;
            else (missing ??= []).Add(customerId);
        if (missing is null) return accounts;

        // Only the chunks the cursor value covers: one archived since has larger ids, and waits for the cursor to name it.
        await using var command = new NpgsqlCommand("""
            SELECT c.customer_id, c.first_entry_id, k.filter, k.fences
            FROM unnest(@c, @through) AS t(customer_id, through)
            JOIN ledger_archive_chunks c ON c.customer_id = t.customer_id AND c.last_entry_id <= t.through
            LEFT JOIN ledger_archive_keys k ON k.customer_id = c.customer_id AND k.first_entry_id = c.first_entry_id
            ORDER BY c.customer_id, c.first_entry_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]>("c", [.. missing]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("through", [.. missing.Select(c => archivedThrough[c])]));
        var chunks = new Dictionary<string, List<Chunk>>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var customerId = reader.GetString(0);
                if (!chunks.TryGetValue(customerId, out var list)) chunks[customerId] = list = [];
                list.Add(new Chunk(reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3)));
            }
        foreach (var customerId in missing)
        {
            var account = new Account(archivedThrough[customerId], chunks.TryGetValue(customerId, out var list) ? [.. list] : []);
            accounts[customerId] = account;
            // A chunk without its keys indexed yet is read whole when asked; it is not kept, so the index is seen once written.
            if (account.Chunks.All(c => c.Filter is not null))
                _cache.Set(customerId, account, new MemoryCacheEntryOptions
                {
                    Size = 64 + customerId.Length * 2 + account.Chunks.Sum(c => 48 + c.Filter!.Length + c.Fences!.Length),
                });
        }
        return accounts;
    }

    public void Dispose() => _cache.Dispose();
}
