using Credits.Ledger.Commands;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>How a host wires the ledger: its DbContext, the "Plans" section, AddCreditLedger.</summary>
public class RegistrationTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task A_host_resolves_a_scoped_ledger_on_its_own_DbContext_with_plans_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plans:hobby:DisplayName"] = "Hobby",
            ["Plans:hobby:IncludedCredits"] = "200",
        }).Build();
        var services = new ServiceCollection()
            .AddDbContext<LedgerTestDbContext>(o => o.UseNpgsql(database.ConnectionString))
            .AddCreditLedger<LedgerTestDbContext>(configuration)
            .BuildServiceProvider();

        await using var scope = services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<CreditLedger>();
        var result = await ledger.StartPeriodAsync(new StartPeriod
        {
            CustomerId = "cus_registered", IdempotencyKey = "registered-start", PlanId = "hobby",
            PeriodStart = DateTimeOffset.UtcNow.AddDays(-1), PeriodEnd = DateTimeOffset.UtcNow.AddDays(29),
        });

        Assert.Equal(LedgerOutcome.Applied, result.Outcome);
        Assert.Equal(200, result.Account!.Available);
    }
}
