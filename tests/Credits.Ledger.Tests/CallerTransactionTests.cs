using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>The hosts call the ledger inside their own transaction, so outbox messages commit with the entries.</summary>
public class CallerTransactionTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task The_ledger_writes_in_the_callers_transaction_and_a_rollback_undoes_it()
    {
        await using var customer = new Customer(database);
        await customer.StartAsync("hobby");
        await using var db = database.NewContext();
        var ledger = new CreditLedger(db, LedgerDatabase.Plans, customer.Clock);

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var result = await ledger.DebitAsync(new Commands.DebitCredits { CustomerId = customer.Id, IdempotencyKey = "in-tx", Credits = 30 });
            Assert.Equal(LedgerOutcome.Applied, result.Outcome);
            Assert.Equal(170, (await ledger.GetBalanceAsync(customer.Id))!.Available);   // seen inside
            Assert.Equal(200, await customer.AvailableAsync());                           // not outside yet
            await transaction.RollbackAsync();
        }
        Assert.Equal(200, await customer.AvailableAsync());

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var result = await ledger.DebitAsync(new Commands.DebitCredits { CustomerId = customer.Id, IdempotencyKey = "in-tx", Credits = 30 });
            Assert.Equal(LedgerOutcome.Applied, result.Outcome);                          // the key was never taken
            await transaction.CommitAsync();
        }
        Assert.Equal(170, await customer.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }
}
