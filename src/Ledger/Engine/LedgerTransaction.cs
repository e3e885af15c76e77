using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
using Credits.Ledger.Results;
using Credits.Ledger.Storage;
using Npgsql;

namespace Credits.Ledger.Engine;

/// <summary>
/// Applies a list of commands in one database transaction: validate, lock the accounts, tell
/// duplicates and conflicting key reuse from new work, apply the rest in order, write back.
/// </summary>
static class LedgerTransaction
{
    public static async Task<LedgerResult[]> RunAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        PlanCatalog plans, PeriodBoundaryOptions boundaries, DateTimeOffset now, IReadOnlyList<LedgerCommand> commands,
        CommitWithLedgerSave? commit, ColdKeyFilters coldKeys, CancellationToken ct)
    {
        var results = new LedgerResult[commands.Count];
        var valid = new List<int>(commands.Count);
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var reason = command.Invalid(now)
                ?? (command is StartPeriod p && !plans.Contains(p.PlanId) ? $"plan '{p.PlanId}' is not configured" : null);
            if (reason is null) valid.Add(i);
            else results[i] = Outcome(command, LedgerOutcome.Invalid, reason);
        }
        if (valid.Count == 0) return results;

        var toApply = valid.Select(i => commands[i]).ToList();
        // A set sized for the batch (Distinct grew one through its resizes): a usage batch names hundreds of accounts.
        var customers = new HashSet<string>(toApply.Count, StringComparer.Ordinal);
        foreach (var c in toApply) customers.Add(c.CustomerId);
        var keys = KeysOf(toApply);
        var keyHashes = Array.ConvertAll(keys, EntryHashes.Key);
        var loaded = await LedgerStore.LoadAsync(connection, transaction,
            customers.Order(StringComparer.Ordinal).ToArray(),
            keyHashes,
            toApply.OfType<ReverseGrant>().Select(c => c.GrantKey).Distinct().ToArray(),
            toApply.Select(c => c switch { SettleReservation s => s.ReservationId, ReleaseReservation r => r.ReservationId, _ => Guid.Empty })
                .Where(id => id != Guid.Empty).Distinct().ToArray(),
            toApply.OfType<StartPeriod>().DistinctBy(c => c.CustomerId)
                .Select(c => new LedgerStore.AccountSeed(c.CustomerId, c.PlanId, c.PeriodStart, c.PeriodEnd)).ToList(),
            toApply.OfType<DebitCredits>().Where(c => c.MemberId is not null).Select(c => (c.CustomerId, c.MemberId!)).Distinct().ToList(),
            now, ct);

        if (loaded.ArchivedThrough.Count > 0)
            AddArchived(loaded.PriorEntries, await ColdKeys.FindAsync(connection, transaction, coldKeys, loaded.ArchivedThrough,
                ArchivedKeysOf(toApply, loaded.ArchivedThrough, keys, keyHashes), ct));

        var entries = new List<NewEntry>();
        var grants = loaded.Grants.ToLookup(x => x.CustomerId, x => x.Grant);
        var reservations = loaded.Reservations.ToLookup(x => x.CustomerId, x => x.Reservation);
        // Only a transaction whose usage names members has any: the others pass none to each account.
        var members = loaded.Members.Count == 0 ? null : loaded.Members.ToLookup(x => x.CustomerId, x => x.Member);
        var books = loaded.Accounts.ToDictionary(a => a.CustomerId,
            a => new AccountBook(a, grants[a.CustomerId], reservations[a.CustomerId], plans, boundaries, now, entries, members?[a.CustomerId]));
        var prior = loaded.PriorEntries.ToLookup(e => e.IdempotencyKey);
        var appliedHere = new Dictionary<string, (string Fingerprint, LedgerResult Result)>(valid.Count, StringComparer.Ordinal);

        foreach (var i in valid)
        {
            var command = commands[i];
            if (!books.TryGetValue(command.CustomerId, out var book))
            {
                results[i] = Outcome(command, LedgerOutcome.UnknownCustomer, $"customer '{command.CustomerId}' has no ledger account");
                continue;
            }
            if (command is ExpireDue)
            {
                results[i] = book.Apply(command, command.Fingerprint());
                continue;
            }
            var fingerprint = command.Fingerprint();
            if (appliedHere.TryGetValue(command.IdempotencyKey, out var earlier))
            {
                results[i] = earlier.Fingerprint == fingerprint
                    ? earlier.Result with
                    {
                        Outcome = LedgerOutcome.Duplicate, ThresholdsCrossed = [], Exhausted = false, SpendCapAlerts = [], SpendCapReached = false,
                        Account = book.Snapshot(),
                    }
                    : Conflict(command, book);
                continue;
            }
            if (Written(prior, command) is { Count: > 0 } written)
            {
                results[i] = written.Single(e => e.Sequence == 0).Fingerprint == EntryHashes.Fingerprint(fingerprint)
                    ? Duplicate(command, written, book)
                    : Conflict(command, book);
                continue;
            }
            var before = entries.Count;
            var result = book.Apply(command, fingerprint);
            results[i] = result;
            // Only keys that wrote entries are taken: a refused reservation may be tried again.
            if (result.Outcome == LedgerOutcome.Applied && WroteUnder(entries, before, command.IdempotencyKey))
                appliedHere[command.IdempotencyKey] = (fingerprint, result);
        }

        if (await LedgerStore.SaveAsync(connection, transaction, books.Values, entries, now, commit?.WantedAfter(results) == true, ct))
            commit!.MarkSent();
        return results;
    }

    /// <summary>The keys whose earlier entries decide duplicates: each command's, and its former key if it has one.</summary>
    static string[] KeysOf(List<LedgerCommand> commands)
    {
        var keys = new HashSet<string>(commands.Count * 2, StringComparer.Ordinal);
        foreach (var c in commands)
        {
            if (c is ExpireDue) continue;
            keys.Add(c.IdempotencyKey);
            if (c.FormerIdempotencyKey is { } former) keys.Add(former);
        }
        return [.. keys];
    }

    /// <summary>
    /// The keys (and former keys) of the commands on accounts with archived months, with the hashes the hot lookup
    /// computed for them, to look up in the cold tier.
    /// </summary>
    static List<ColdKeys.Wanted> ArchivedKeysOf(List<LedgerCommand> commands, Dictionary<string, long> archived, string[] keys, Guid[] hashes)
    {
        var hashOf = new Dictionary<string, Guid>(keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++) hashOf[keys[i]] = hashes[i];
        var wanted = new HashSet<(string, string)>();
        var list = new List<ColdKeys.Wanted>();
        foreach (var c in commands)
        {
            if (c is ExpireDue || !archived.ContainsKey(c.CustomerId)) continue;
            if (wanted.Add((c.CustomerId, c.IdempotencyKey))) list.Add(new(c.CustomerId, c.IdempotencyKey, hashOf[c.IdempotencyKey]));
            if (c.FormerIdempotencyKey is { } former && wanted.Add((c.CustomerId, former))) list.Add(new(c.CustomerId, former, hashOf[former]));
        }
        return list;
    }

    /// <summary>
    /// The archived entries of the keys, except those still in the hot table too (an archived month stays there until it
    /// is removed): each (key, sequence) once, as the unique index has it.
    /// </summary>
    static void AddArchived(List<PriorEntry> prior, List<PriorEntry> archived)
    {
        if (archived.Count == 0) return;
        var hot = prior.Select(e => (e.IdempotencyKey, e.Sequence)).ToHashSet();
        foreach (var e in archived)
            if (hot.Add((e.IdempotencyKey, e.Sequence))) prior.Add(e);
    }

    /// <summary>Whether the entries from <paramref name="from"/> on include one under <paramref name="key"/>.</summary>
    static bool WroteUnder(List<NewEntry> entries, int from, string key)
    {
        for (var i = from; i < entries.Count; i++)
            if (entries[i].IdempotencyKey == key) return true;
        return false;
    }

    /// <summary>
    /// What the command's key wrote before, or else what its former key wrote for the same customer; null when neither
    /// wrote anything. Loops, and nothing built for a new key: this runs for every command of a usage batch, and usage
    /// carries a former key.
    /// </summary>
    static List<PriorEntry>? Written(ILookup<string, PriorEntry> prior, LedgerCommand c)
    {
        if (prior.Count == 0) return null;
        if (prior.Contains(c.IdempotencyKey)) return [.. prior[c.IdempotencyKey]];
        if (c.FormerIdempotencyKey is not { } former || !prior.Contains(former)) return null;
        List<PriorEntry>? written = null;
        foreach (var e in prior[former])
            if (e.CustomerId == c.CustomerId) (written ??= []).Add(e);
        return written;
    }

    static LedgerResult Outcome(LedgerCommand c, LedgerOutcome outcome, string reason) =>
        new() { Outcome = outcome, CustomerId = c.CustomerId, IdempotencyKey = c.IdempotencyKey, Reason = reason };

    static LedgerResult Conflict(LedgerCommand c, AccountBook book) =>
        Outcome(c, LedgerOutcome.Conflict, $"idempotency key '{c.IdempotencyKey}' was used before for a different operation")
            with { Account = book.Snapshot() };

    /// <summary>The original operation's figures, rebuilt from its entries.</summary>
    static LedgerResult Duplicate(LedgerCommand c, IReadOnlyList<PriorEntry> written, AccountBook book)
    {
        long Sum(EntryKind kind) => written.Where(e => e.Kind == kind).Sum(e => e.Quantity);
        return new LedgerResult
        {
            Outcome = LedgerOutcome.Duplicate,
            CustomerId = c.CustomerId,
            IdempotencyKey = c.IdempotencyKey,
            Granted = Sum(EntryKind.Grant),
            Debited = Sum(EntryKind.Debit),
            Overage = Sum(EntryKind.Overage),
            WrittenOff = Sum(EntryKind.WriteOff),
            Held = Sum(EntryKind.Hold),
            Released = Sum(EntryKind.Release),
            Reversed = Sum(EntryKind.Reversal),
            GrantId = c is GrantCredits or StartPeriod or ReverseGrant ? written.FirstOrDefault(e => e.GrantId is not null)?.GrantId : null,
            ReservationId = written.FirstOrDefault(e => e.ReservationId is not null)?.ReservationId,
            Account = book.Snapshot(),
        };
    }
}
