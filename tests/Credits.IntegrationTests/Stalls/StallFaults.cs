using Credits.Testing;
using Microsoft.EntityFrameworkCore;

namespace Credits.IntegrationTests.Stalls;

/// <summary>
/// Faults on the real parts that make a saga step fail or vanish: a PostgreSQL trigger that refuses a customer's
/// plan-change ledger entries (a database fault the step cannot get past), and a purge of a step's RabbitMQ queue
/// (a lost command).
/// </summary>
static class StallFaults
{
    /// <summary>
    /// Every ledger write keyed plan-change:... for <paramref name="customerId"/> fails until <see cref="UnblockLedgerAsync"/>.
    /// The attempts are counted in a sequence (nextval survives the rollback of the failing transaction).
    /// <paramref name="fault"/> starts the exception's message (a test's own text, no quotes).
    /// </summary>
    public static Task BlockPlanChangeLedgerWritesAsync(SystemUnderTest system, string customerId, string fault = "injected fault") =>
        BlockLedgerWritesAsync(system, customerId, "plan-change:%", fault);

    /// <summary>As <see cref="BlockPlanChangeLedgerWritesAsync"/>, for the ledger keys LIKE <paramref name="keyPattern"/> (a test's own constant).</summary>
    public static async Task BlockLedgerWritesAsync(SystemUnderTest system, string customerId, string keyPattern, string fault = "injected fault")
    {
        await using var db = system.Accounts.NewDbContext();
        var name = Name(customerId);
        // Names come from the test's own customer id (letters and digits only), never from input.
        var sql = $"""
            CREATE SEQUENCE {name}_attempts;
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.customer_id = '{customerId}' AND NEW.idempotency_key LIKE '{keyPattern}' THEN
                    PERFORM nextval('{name}_attempts');
                    RAISE EXCEPTION '{fault}: the ledger is unavailable for %', NEW.customer_id;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION {name}();
            """;
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    public static async Task<long> BlockedAttemptsAsync(SystemUnderTest system, string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        var name = Name(customerId);
        var sql = $"SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS \"Value\" FROM {name}_attempts";
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync();
    }

    public static async Task UnblockLedgerAsync(SystemUnderTest system, string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        var sql = $"DROP TRIGGER {Name(customerId)} ON ledger_entries";
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>Drops every message waiting in a queue of the system's virtual host (RabbitMQ management API).</summary>
    public static async Task PurgeQueueAsync(SystemUnderTest system, string queue)
    {
        var management = TestEnvironment.RabbitMqManagement;
        using var client = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        var response = await client.DeleteAsync($"api/queues/{Uri.EscapeDataString(system.Infrastructure.VirtualHost.Name)}/{queue}/contents");
        response.EnsureSuccessStatusCode();
    }

    static string Name(string customerId) => "stall_" + new string(customerId.Where(char.IsLetterOrDigit).ToArray())[^16..];
}
