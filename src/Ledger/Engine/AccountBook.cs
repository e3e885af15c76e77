using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

/// <summary>
/// One customer's account, locked for the transaction and worked in memory: every rule of the ledger
/// (burn-down, overage, reservations, expiry, periods) is applied here, in the partial files
/// next to this one. Entries are appended to the transaction's list and the running totals are
/// changed only through <see cref="Posting.Add"/>, so they equal the entries' sums by construction.
/// </summary>
sealed partial class AccountBook
{
    readonly AccountState _account;
    readonly List<GrantState> _grants;
    // The grants in burn order (BurnOrder), null until first needed and after a grant is added.
    List<GrantState>? _burnOrder;
    readonly Dictionary<Guid, ReservationState> _reservations;
    readonly IReadOnlyDictionary<string, MemberState> _members;
    // Most accounts have no members in a transaction: they share this one instead of each building an empty dictionary.
    static readonly IReadOnlyDictionary<string, MemberState> NoMembers = new Dictionary<string, MemberState>();
    readonly PlanCatalog _plans;
    readonly PeriodBoundaryOptions _boundaries;
    readonly DateTimeOffset _now;
    readonly List<NewEntry> _entries;
    // The available credits as last reported to the caller: crossings are measured from here, so a
    // threshold is reported once when passed downwards, and again only after a grant lifted it back.
    long _reportedAvailable;
    // The fingerprint of the command being applied (Apply), which its first entry keeps as a hash. The transaction has
    // computed it for its duplicate check: a debit's is a string built from its fields, too dear to build twice.
    string _fingerprint = "";

    public AccountBook(AccountState account, IEnumerable<GrantState> grants, IEnumerable<ReservationState> reservations,
        PlanCatalog plans, PeriodBoundaryOptions boundaries, DateTimeOffset now, List<NewEntry> entries,
        IEnumerable<MemberState>? members = null)
    {
        _members = members?.ToDictionary(m => m.MemberId, StringComparer.Ordinal) is { Count: > 0 } named ? named : NoMembers;
        _account = account;
        _grants = grants.ToList();
        _reservations = reservations.ToDictionary(r => r.Id);
        _plans = plans;
        _boundaries = boundaries;
        _now = now;
        _entries = entries;
        _reportedAvailable = AvailableAsLastRecorded();
        LapseDue();
    }

    public AccountState Account => _account;
    // Concrete types, so that the save's loops over every account of a batch enumerate without allocating.
    public List<GrantState> Grants => _grants;
    public Dictionary<Guid, ReservationState>.ValueCollection Reservations => _reservations.Values;
    public IEnumerable<MemberState> Members => _members.Count == 0 ? [] : _members.Values;

    /// <summary>A plan removed from configuration keeps its accounts working, without overage or thresholds.</summary>
    PlanDefinition Plan => _plans.Contains(_account.PlanId)
        ? _plans.Get(_account.PlanId)
        : new PlanDefinition { Id = _account.PlanId, DisplayName = _account.PlanId };

    /// <summary>
    /// Spendable by usage now: effective, unexpired grants minus what reservations hold. An ended period's
    /// allowance is not counted, though it is kept for late usage until its grace ends.
    /// </summary>
    public long Available => AvailableAt(_now);

    /// <summary>Spendable by usage that occurred at <paramref name="at"/> (see <see cref="SpendableAt"/>).</summary>
    long AvailableAt(DateTimeOffset at)
    {
        // A loop, not LINQ: it runs several times per debit.
        long spendable = 0;
        foreach (var grant in _grants)
            if (SpendableAt(grant, at)) spendable += grant.Remaining;
        return Math.Max(0, spendable - _account.Held);
    }

    /// <summary>
    /// Available as last reported, before this transaction lapsed anything: grants not lapsed yet count,
    /// except an allowance whose period has ended, which left the balance at the roll and not by a lapse.
    /// So the end of a period is never a low-balance crossing by itself (it never buys an auto top-up).
    /// </summary>
    long AvailableAsLastRecorded()
    {
        // A loop, not LINQ: it runs for every account of a usage batch, hundreds per transaction.
        long spendable = 0;
        foreach (var g in _grants)
            if (g.Remaining > 0 && g.EffectiveAt <= _now && !(g.PeriodStart is not null && g.ExpiresAt <= _now)) spendable += g.Remaining;
        return Math.Max(0, spendable - _account.Held);
    }

    /// <summary>Usage beyond the available credits is billed: the plan allows overage and it is not suspended.</summary>
    bool OverageAllowed => Plan.OverageAllowed && !_account.OverageSuspended;

    /// <summary>
    /// The low-balance thresholds, the plan's and the customer's own (its auto top-up threshold), that a fall from
    /// <paramref name="before"/> to <paramref name="after"/> passed, highest first. Loops: nearly every debit of a batch
    /// lowers the balance and crosses none, and builds nothing.
    /// </summary>
    IReadOnlyList<long> ThresholdsCrossed(long before, long after)
    {
        if (before <= after) return [];
        List<long>? crossed = null;
        foreach (var t in Plan.LowBalanceThresholds)
            if (before > t && after <= t && !(crossed?.Contains(t) ?? false)) (crossed ??= []).Add(t);
        if (_account.LowBalanceThreshold is { } own && own > 0 && before > own && after <= own && !(crossed?.Contains(own) ?? false))
            (crossed ??= []).Add(own);
        if (crossed is null) return [];
        crossed.Sort((x, y) => y.CompareTo(x));
        return crossed;
    }

    public AccountSnapshot Snapshot() => new()
    {
        PlanId = _account.PlanId,
        OverageAllowed = OverageRoom(_account.PeriodStart) > 0,
        OverageCap = _account.OverageCap,
        Available = Available,
        Held = _account.Held,
        Balance = _account.Balance,
        OverageThisPeriod = _account.OverageThisPeriod,
        PeriodStart = _account.PeriodStart,
        PeriodEnd = _account.PeriodEnd,
    };

    public LedgerResult Apply(LedgerCommand command, string fingerprint)
    {
        _fingerprint = fingerprint;
        var result = command switch
        {
            DebitCredits c => Debit(c),
            GrantCredits c => Grant(c),
            ReserveCredits c => Reserve(c),
            SettleReservation c => Settle(c),
            ReleaseReservation c => Release(c),
            ReverseGrant c => Reverse(c),
            RevokeCredits c => Revoke(c),
            StartPeriod c => StartPeriod(c),
            SuspendOverage c => Suspend(c),
            EndSubscription c => EndSubscription(c),
            SetLowBalanceThreshold c => SetThreshold(c),
            SetSpendCap c => SetCap(c),
            ExpireDue c => Applied(c),
            _ => throw new NotSupportedException(command.GetType().Name),
        };
        // Only usage and the cap itself move the cap's level; the callers of these publish the crossings, so a level is
        // never recorded as reported by an operation (a period start) whose result nobody publishes.
        return WithCrossings(result, spendCap: command is DebitCredits or SettleReservation or SetSpendCap);
    }

    LedgerResult WithCrossings(LedgerResult result, bool spendCap)
    {
        var after = Available;
        if (result.Outcome != LedgerOutcome.Applied) return result with { Account = Snapshot() };
        var before = _reportedAvailable;
        _reportedAvailable = after;
        var capCrossed = spendCap ? SpendCapCrossings() : [];
        return result with
        {
            Account = Snapshot(),
            ThresholdsCrossed = ThresholdsCrossed(before, after),
            Exhausted = before > 0 && after == 0,
            SpendCapAlerts = capCrossed,
            SpendCapReached = capCrossed.Contains(100),
        };
    }

    LedgerResult Applied(LedgerCommand c) =>
        new() { Outcome = LedgerOutcome.Applied, CustomerId = c.CustomerId, IdempotencyKey = c.IdempotencyKey };

    LedgerResult NotApplied(LedgerCommand c, LedgerOutcome outcome, string reason) =>
        new() { Outcome = outcome, CustomerId = c.CustomerId, IdempotencyKey = c.IdempotencyKey, Reason = reason };

    Posting Post(LedgerCommand c, DateTimeOffset? occurredAt = null, string? note = null, Guid? reservationId = null,
        DateTimeOffset? periodStart = null, Pricing.PricedUsage? priced = null, MemberState? member = null) =>
        new(this, c.IdempotencyKey, _fingerprint, occurredAt ?? _now, note, reservationId, periodStart, priced, member?.Id);

    /// <summary>
    /// Writes one operation's entries, numbered from 0, and moves the totals with them. Entries of an
    /// operation on a reservation (a settle's debits too) carry the reservation's id. Entries belong to
    /// the account's current period unless the operation names another (late usage, a lapsed allowance). Priced
    /// usage keeps its rate and native quantity on its first entry, as the fingerprint is kept there; a member's usage
    /// names the member on every entry, so that its credits sum by member.
    /// </summary>
    sealed class Posting(AccountBook book, string key, string fingerprint, DateTimeOffset occurredAt, string? note,
        Guid? reservation = null, DateTimeOffset? periodStart = null, Pricing.PricedUsage? priced = null, int? memberRef = null)
    {
        int _sequence;

        public bool Wrote => _sequence > 0;

        public void Add(EntryKind kind, long amount, long heldChange, long quantity, Guid? grantId = null, Guid? reservationId = null)
        {
            var account = book._account;
            var period = periodStart ?? account.PeriodStart;
            book._entries.Add(new NewEntry(account.CustomerId, kind, amount, heldChange, quantity, grantId, reservationId ?? reservation,
                key, _sequence, _sequence == 0 ? EntryHashes.Fingerprint(fingerprint) : null, period, occurredAt, book._now, note,
                _sequence == 0 ? priced?.Rate.Id : null, _sequence == 0 ? priced?.Quantity : null, memberRef));
            _sequence++;
            account.Balance += amount;
            account.Held += heldChange;
            if (kind == EntryKind.Overage && period == account.PeriodStart) account.OverageThisPeriod += quantity;
            else if (kind == EntryKind.Overage && period == account.PeriodEnd) account.OverageNextPeriod += quantity;
            else if (kind == EntryKind.Overage && period == account.PreviousPeriodStart) account.OveragePreviousPeriod += quantity;
            account.Changed = true;
        }
    }
}
