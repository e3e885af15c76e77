using Credits.Ledger.Commands;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Expiry;

/// <summary>
/// The sweep lapses forgotten reservations (and allowances at their period's end) account by account. An account whose
/// expiry fails must not hold back the others: the sweep's list comes in no set order, and a failure used to end the
/// sweep, so every later sweep stopped before the same accounts again. A sweep that keeps failing for some accounts
/// shows in the Orchestrator's health (degraded, naming the job), not only in its log, until a sweep lapses them all.
/// </summary>
public class ExpirySweepTests(FrequentExpiryJobs system) : IClassFixture<FrequentExpiryJobs>
{
    const int Failing = 20;

    [Fact]
    public async Task An_account_that_cannot_be_expired_holds_back_no_other_and_degrades_the_health_until_it_is_expired()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var failing = Enumerable.Range(0, Failing).Select(i => $"sweep-fail-{run}-{i}").ToArray();
        var healthy = $"sweep-ok-{run}";
        foreach (var customer in failing.Append(healthy))
        {
            await system.Accounts.OpenAsync(customer, "hobby");
            var reserved = await system.Accounts.ApplyAsync(new ReserveCredits
            {
                CustomerId = customer, IdempotencyKey = $"sweep-hold:{customer}", Credits = 10, TimeToLive = TimeSpan.FromSeconds(1),
            });
            Assert.True(reserved.Succeeded, $"{reserved.Outcome}: {reserved.Reason}");
        }

        // A stand-in for whatever makes one account's transaction fail (a bad row, a bug): the account row refuses updates.
        await using var db = system.Accounts.NewDbContext();
        var refuse = """
            CREATE OR REPLACE FUNCTION sweep_test_refuse() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN RAISE EXCEPTION 'account % refuses every update', NEW.customer_id; END $$;
            CREATE TRIGGER sweep_test_refuse BEFORE UPDATE ON ledger_accounts FOR EACH ROW
              WHEN (NEW.customer_id LIKE 'sweep-fail-%') EXECUTE FUNCTION sweep_test_refuse();
            """;
        await db.Database.ExecuteSqlRawAsync(refuse);
        try
        {
            // With the failing accounts ahead of it in the sweep's list (20 times in 21 on main), this never came.
            await Eventually.True(async () => await StatusAsync(healthy) == "Expired", TimeSpan.FromSeconds(30),
                "the healthy account's forgotten reservation expires");
            var books = await system.Accounts.BooksAsync(healthy);
            Assert.Equal(books.Column, books.SumOfEntries);
            Assert.Equal(200, await system.Accounts.AvailableAsync(healthy));
            // The failing accounts changed nothing: their reservations still hold, for a later sweep.
            foreach (var customer in failing)
                Assert.Equal("Open", await StatusAsync(customer));

            // On main the Orchestrator stayed healthy: the failures were log lines only.
            await Eventually.True(async () => await ReadinessAsync() == "Degraded", TimeSpan.FromSeconds(30),
                "the Orchestrator reports itself degraded while the sweep fails");
            await Eventually.True(() => Task.FromResult(system.Orchestrator.Output.Contains("expiry-sweep: failing since")),
                TimeSpan.FromSeconds(10), "the health check's log line names the failing job");
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER sweep_test_refuse ON ledger_accounts");
        }

        // Once the fault is gone, the next sweep lapses the accounts it could not, and the health is whole again.
        foreach (var customer in failing)
            await Eventually.True(async () => await StatusAsync(customer) == "Expired", TimeSpan.FromSeconds(30),
                $"{customer}'s forgotten reservation expires at a later sweep");
        await Eventually.True(async () => await ReadinessAsync() == "Healthy", TimeSpan.FromSeconds(30),
            "the Orchestrator is healthy again once a sweep succeeds");
        foreach (var customer in failing)
        {
            var books = await system.Accounts.BooksAsync(customer);
            Assert.Equal(books.Column, books.SumOfEntries);
            Assert.Equal(200, await system.Accounts.AvailableAsync(customer));
        }
    }

    async Task<string> ReadinessAsync()
    {
        using var http = new HttpClient { BaseAddress = system.Orchestrator.BaseAddress };
        return await http.GetStringAsync("health/ready");
    }

    async Task<string> StatusAsync(string customer)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Database.SqlQuery<string>(
            $"SELECT status AS \"Value\" FROM ledger_reservations WHERE customer_id = {customer}").SingleAsync();
    }
}
