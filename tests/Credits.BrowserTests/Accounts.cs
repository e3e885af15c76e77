using Credits.Ledger;
using Credits.Ledger.Commands;
using Credits.Ledger.Plans;
using Credits.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Credits.BrowserTests;

/// <summary>Direct access to the system's ledger, for arranging accounts that exist without a Stripe subscription.</summary>
public sealed class Accounts(string connectionString)
{
    static readonly PlanCatalog Plans = PlanCatalog.FromConfiguration(new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "catalog.json")).Build());

    CreditsDbContext NewDbContext() => new(new DbContextOptionsBuilder<CreditsDbContext>().UseNpgsql(connectionString).Options);

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

    public async Task<long> AvailableAsync(string customerId)
    {
        await using var db = NewDbContext();
        var balance = await new CreditLedger(db, Plans, TimeProvider.System).GetBalanceAsync(customerId)
            ?? throw new InvalidOperationException($"no account for {customerId}");
        return balance.Available;
    }
}
