using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Plans;
using Credits.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Credits.IntegrationTests;

/// <summary>Direct access to the system's ledger database, for arranging accounts and checking the books.</summary>
public sealed class Accounts(string connectionString)
{
    static readonly PlanCatalog Plans = PlanCatalog.FromConfiguration(new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "catalog.json")).Build());

    public CreditsDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>The ledger on <paramref name="db"/>, as a host would have it, for what a test does behind the hosts' back.</summary>
    public static CreditLedger Ledger(CreditsDbContext db) => new(db, Plans, TimeProvider.System);

    /// <summary>Opens an account on a plan for the current month, with the plan's allowance.</summary>
    public async Task OpenAsync(string customerId, string planId)
    {
        await using var db = NewDbContext();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var result = await new CreditLedger(db, Plans, TimeProvider.System).StartPeriodAsync(new StartPeriod
        {
            CustomerId = customerId, IdempotencyKey = $"test-period:{customerId}", PlanId = planId,
            PeriodStart = start, PeriodEnd = start.AddMonths(1),
        });
        if (!result.Succeeded) throw new InvalidOperationException($"{result.Outcome}: {result.Reason}");
    }

    /// <summary>One ledger command applied directly, as the ledger would have from any host.</summary>
    public async Task<Credits.Ledger.Results.LedgerResult> ApplyAsync(LedgerCommand command)
    {
        await using var db = NewDbContext();
        return (await new CreditLedger(db, Plans, TimeProvider.System).ApplyAsync([command]))[0];
    }

    /// <summary>The available credits, or null while the account does not exist yet (a saga has not opened it).</summary>
    public async Task<long?> AvailableOrNullAsync(string customerId)
    {
        await using var db = NewDbContext();
        return (await new CreditLedger(db, Plans, TimeProvider.System).GetBalanceAsync(customerId))?.Available;
    }

    public async Task<long> AvailableAsync(string customerId)
    {
        await using var db = NewDbContext();
        var balance = await new CreditLedger(db, Plans, TimeProvider.System).GetBalanceAsync(customerId)
            ?? throw new InvalidOperationException($"no account for {customerId}");
        return balance.Available;
    }

    /// <summary>The books balance: the account's balance column equals the sum of its entries.</summary>
    public async Task<(long Column, long SumOfEntries)> BooksAsync(string customerId)
    {
        await using var db = NewDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT balance FROM ledger_accounts WHERE customer_id = @c),
                   (SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries WHERE customer_id = @c)
            """;
        var p = command.CreateParameter(); p.ParameterName = "c"; p.Value = customerId; command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
