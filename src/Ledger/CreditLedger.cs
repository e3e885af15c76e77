using Credits.Ledger.Archive;
using Credits.Ledger.Commands;
using Credits.Ledger.Engine;
using Credits.Ledger.Periods;
using Credits.Ledger.Plans;
using Credits.Ledger.Results;
using Credits.Ledger.Storage;
using Microsoft.EntityFrameworkCore;

namespace Credits.Ledger;

/// <summary>
/// The credit ledger, working on the host's DbContext (mapped with <c>modelBuilder.AddLedger()</c>).
/// Each call runs in the DbContext's current transaction when there is one (commit it yourself,
/// together with your outbox messages), else in a transaction of its own. Concurrent writers on
/// one customer serialize on the account row (SELECT ... FOR UPDATE); the unique index on the
/// entries' idempotency keys is the last line of defence. If a call throws inside your
/// transaction, roll that transaction back. <paramref name="boundaries"/> (section "Ledger") says how
/// late usage of an ended period may arrive; null takes the defaults. <paramref name="coldKeys"/> keeps the archived
/// months' key filters in memory: pass the host's one (it is registered as a singleton); null keeps them for this
/// instance only.
/// </summary>
public sealed partial class CreditLedger(DbContext db, PlanCatalog plans, TimeProvider clock, PeriodBoundaryOptions? boundaries = null,
    ColdKeyFilters? coldKeys = null)
{
    readonly PeriodBoundaryOptions _boundaries = boundaries ?? new PeriodBoundaryOptions();
    readonly ColdKeyFilters _coldKeys = coldKeys ?? new ColdKeyFilters();

    public Task<LedgerResult> StartPeriodAsync(StartPeriod command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> GrantAsync(GrantCredits command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> DebitAsync(DebitCredits command, CancellationToken ct = default) => OneAsync(command, ct);

    /// <summary>
    /// Applies many debits (any customers) in one transaction with two round trips in all; one
    /// result per command, in order. Invalid, unknown-customer and conflicting commands get their
    /// own result and do not stop the others.
    /// </summary>
    public Task<IReadOnlyList<LedgerResult>> DebitBatchAsync(IReadOnlyList<DebitCredits> commands, CancellationToken ct = default) =>
        ApplyAsync(commands, ct);

    public Task<LedgerResult> ReserveAsync(ReserveCredits command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> SettleAsync(SettleReservation command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> ReleaseAsync(ReleaseReservation command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> ReverseGrantAsync(ReverseGrant command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> RevokeAsync(RevokeCredits command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> SuspendOverageAsync(SuspendOverage command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> EndSubscriptionAsync(EndSubscription command, CancellationToken ct = default) => OneAsync(command, ct);

    public Task<LedgerResult> SetLowBalanceThresholdAsync(SetLowBalanceThreshold command, CancellationToken ct = default) => OneAsync(command, ct);

    /// <summary>
    /// Sets (or with null removes) the spend cap, in effect for the next operation. Publish the result's notifications:
    /// a cap at or below the overage already billed this period reaches it at once (SpendCapReached).
    /// </summary>
    public Task<LedgerResult> SetSpendCapAsync(SetSpendCap command, CancellationToken ct = default) => OneAsync(command, ct);

    /// <summary>Any mix of commands in one transaction, applied in order.</summary>
    public Task<IReadOnlyList<LedgerResult>> ApplyAsync(IReadOnlyList<LedgerCommand> commands, CancellationToken ct = default) =>
        ApplyAsync(commands, commit: null, ct);

    /// <summary>
    /// The same, in the caller's transaction, whose commit may end the ledger's save (<see cref="CommitWithLedgerSave"/>).
    /// </summary>
    public async Task<IReadOnlyList<LedgerResult>> ApplyAsync(IReadOnlyList<LedgerCommand> commands, CommitWithLedgerSave? commit,
        CancellationToken ct = default)
    {
        if (commands.Count == 0) return [];
        // Only the caller's transaction can end with the ledger's save: one the ledger opens, it commits itself.
        if (db.Database.CurrentTransaction is null) commit = null;
        return await LedgerConnection.InTransactionAsync(db,
            (connection, transaction) => LedgerTransaction.RunAsync(connection, transaction, plans, _boundaries,
                clock.GetUtcNow(), commands, commit, _coldKeys, ct), ct);
    }

    /// <summary>
    /// Lapses what is due on one account: grants past their expiry (plan allowance when its period's
    /// late-usage grace ends, with rollover) and forgotten reservations. For the expiry sweep; see
    /// <see cref="FindAccountsWithDueExpiryAsync"/>. The result reports threshold crossings too.
    /// </summary>
    public Task<LedgerResult> ExpireDueAsync(string customerId, CancellationToken ct = default) =>
        OneAsync(new ExpireDue { CustomerId = customerId, IdempotencyKey = "" }, ct);

    async Task<LedgerResult> OneAsync(LedgerCommand command, CancellationToken ct) => (await ApplyAsync([command], ct))[0];
}
