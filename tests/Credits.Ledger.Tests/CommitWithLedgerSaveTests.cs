using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Npgsql;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// The caller's commit at the end of the ledger's own batch (issue 16): it runs only in that batch, only when the caller
/// asks for it after seeing the results, and never after a failed write.
/// </summary>
public class CommitWithLedgerSaveTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>, IAsyncLifetime
{
    // A write the test can make fail in the middle of the ledger's batch: after the account's update, at the entries.
    const string FailingKey = "fail-in-the-batch";

    public Task InitializeAsync() => database.ExecuteAsync($"""
        CREATE OR REPLACE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.idempotency_key LIKE '%{FailingKey}%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
            RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS refuse_entry ON ledger_entries;
        CREATE TRIGGER refuse_entry BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_entry();
        """);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_commit_in_the_ledgers_batch_when_nothing_follows()
    {
        await using var caller = await Caller.StartAsync(database);
        var (customer, ledger, db) = (caller.Customer, caller.Ledger, caller.Db);

        await using var transaction = await db.Database.BeginTransactionAsync();
        var commit = new CommitWithLedgerSave(_ => true);
        var result = (await ledger.ApplyAsync([Reserve(customer, 30)], commit))[0];

        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        Assert.True(commit.Sent);
        // Seen from another connection before the caller did anything more: PostgreSQL has committed.
        Assert.Equal(170, await customer.AvailableAsync());
        await transaction.DisposeAsync(); // what the caller does next: no rollback can undo it
        Assert.Equal(170, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Should_leave_the_commit_to_the_caller_when_something_follows()
    {
        await using var caller = await Caller.StartAsync(database);
        var (customer, ledger, db) = (caller.Customer, caller.Ledger, caller.Db);
        IReadOnlyList<LedgerResult>? seen = null;

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var commit = new CommitWithLedgerSave(results => { seen = results; return false; });
            await ledger.ApplyAsync([Reserve(customer, 30)], commit);

            Assert.False(commit.Sent);
            Assert.Equal(LedgerOutcome.Applied, Assert.Single(seen!).Outcome); // asked after the results were known
            Assert.Equal(200, await customer.AvailableAsync());                 // not committed yet
            await transaction.RollbackAsync();
        }
        Assert.Equal(200, await customer.AvailableAsync());
    }

    [Fact]
    public async Task Should_commit_nothing_when_a_write_of_the_batch_fails()
    {
        await using var caller = await Caller.StartAsync(database);
        var (customer, ledger, db) = (caller.Customer, caller.Ledger, caller.Db);
        var commit = new CommitWithLedgerSave(_ => true);

        await using (await db.Database.BeginTransactionAsync())
        {
            var failed = await Assert.ThrowsAsync<PostgresException>(() =>
                ledger.ApplyAsync([Reserve(customer, 30, FailingKey)], commit));
            Assert.Contains("refused by the test", failed.MessageText);
        }

        Assert.False(commit.Sent);
        // The account's update ran before the failing insert, in the same batch: the commit after them did not.
        Assert.Equal(200, await customer.AvailableAsync());
        Assert.Equal(0L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM ledger_entries WHERE customer_id = '{customer.Id}' AND idempotency_key LIKE '%{FailingKey}%'"));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Should_leave_the_commit_to_the_caller_when_the_ledger_writes_nothing()
    {
        await using var caller = await Caller.StartAsync(database);
        var (customer, ledger, db) = (caller.Customer, caller.Ledger, caller.Db);

        await using var transaction = await db.Database.BeginTransactionAsync();
        var commit = new CommitWithLedgerSave(_ => true);
        var refused = (await ledger.ApplyAsync([Reserve(customer, 500)], commit))[0];

        Assert.Equal(LedgerOutcome.Refused, refused.Outcome);
        Assert.False(commit.Sent);
        await transaction.CommitAsync(); // still the caller's, and still open
    }

    [Fact]
    public async Task Should_be_ignored_when_the_ledger_opens_its_own_transaction()
    {
        await using var caller = await Caller.StartAsync(database);
        var (customer, ledger, db) = (caller.Customer, caller.Ledger, caller.Db);

        var commit = new CommitWithLedgerSave(_ => true);
        var result = (await ledger.ApplyAsync([Reserve(customer, 30)], commit))[0];

        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        Assert.False(commit.Sent); // the ledger committed its own transaction as it always does
        Assert.Equal(170, await customer.AvailableAsync());
    }

    /// <summary>
    /// A Hobby customer (200 credits) and a ledger on a DbContext of its own, whose transaction the test drives while the
    /// customer reads its balance from outside that transaction.
    /// </summary>
    sealed class Caller(Customer customer, CreditLedger ledger, LedgerTestDbContext db) : IAsyncDisposable
    {
        public Customer Customer => customer;
        public CreditLedger Ledger => ledger;
        public LedgerTestDbContext Db => db;

        public static async Task<Caller> StartAsync(LedgerDatabase database)
        {
            var customer = new Customer(database);
            await customer.StartAsync("hobby");
            var (ledger, db) = database.NewLedger(customer.Clock);
            return new Caller(customer, ledger, db);
        }

        public async ValueTask DisposeAsync()
        {
            await db.DisposeAsync();
            await customer.DisposeAsync();
        }
    }

    static ReserveCredits Reserve(Customer customer, long credits, string? key = null) =>
        new() { CustomerId = customer.Id, IdempotencyKey = customer.NextKey() + (key ?? ""), Credits = credits, TimeToLive = TimeSpan.FromMinutes(5) };
}
