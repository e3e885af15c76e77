using System.Text.Json;
using Credits.Billing.Audit;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.IntegrationTests.Audit;

/// <summary>
/// Runs the money audit as an operator does (<c>Credits.Orchestrator audit</c>, nothing left to settle) and reads what
/// it stored and what the ledger holds, for the audit tests. Findings are read per customer: the tests of a class
/// share one system, so another test's differences are in the same tables.
/// </summary>
public sealed class AuditBooks(SystemUnderTest system)
{
    static readonly Dictionary<string, string> NothingInFlight = new() { ["Audit__SettleTime"] = "00:00:00" };

    /// <summary>One run over the default window; fails the test when the run or a check failed (exit code 1).</summary>
    public async Task<AuditRun> RunAsync()
    {
        var (exit, output) = await system.RunAuditAsync(NothingInFlight);
        Assert.True(exit is 0 or 2, $"the audit failed (exit {exit}):\n{output}");
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<AuditRun>().AsNoTracking().OrderByDescending(r => r.RequestedAt).FirstAsync();
    }

    public async Task<List<AuditDifference>> DifferencesAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<AuditDifference>().AsNoTracking().Where(d => d.CustomerId == customerId).OrderBy(d => d.FoundAt).ToListAsync();
    }

    public static AuditEvidence Evidence(AuditDifference difference) =>
        JsonSerializer.Deserialize<AuditEvidence>(difference.Evidence, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    /// <summary>The customer's purchase-source grant entries: (entry id, key, credits).</summary>
    public async Task<List<(long Id, string Key, long Credits)>> PurchaseGrantEntriesAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        var rows = await db.Database.SqlQuery<GrantEntry>($"""
            SELECT e.id AS "Id", e.idempotency_key AS "Key", e.quantity AS "Credits"
            FROM ledger_entries e JOIN ledger_grants g ON g.id = e.grant_id
            WHERE e.customer_id = {customerId} AND e.kind = 'Grant' AND g.source = 'Purchase'
            ORDER BY e.id
            """).ToListAsync();
        return rows.Select(r => (r.Id, r.Key, r.Credits)).ToList();
    }

    sealed class GrantEntry
    {
        public long Id { get; init; }
        public string Key { get; init; } = "";
        public long Credits { get; init; }
    }
}
