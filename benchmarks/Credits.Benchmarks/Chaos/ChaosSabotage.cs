using System.Text;
using Credits.Testing;
using Npgsql;
using Stripe;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// --sabotage true: after the run, the bad things the checks are there to catch, done behind Credits' back, so a run
/// shows the checks can fail: a usage event applied a second time, a lost one, a balance off by one, a reservation
/// left holding past its expiry, a meter event Stripe has and the ledger does not, and a message in an error queue
/// with no reason.
/// </summary>
public static class ChaosSabotage
{
    public static async Task ApplyAsync(ChaosSystem system, StripeClient stripe, IReadOnlyList<ChaosCustomer> customers, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        async Task Sql(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        // Applied twice: the first usage entry again, as a later sequence of the same key (the ledger is append-only; this is an insert).
        await Sql("""
            INSERT INTO ledger_entries (customer_id, kind, amount, held_change, quantity, grant_id, reservation_id, idempotency_key, sequence, period_start, occurred_at, recorded_at, note)
            SELECT customer_id, kind, amount, held_change, quantity, grant_id, reservation_id, idempotency_key, sequence + 1000, period_start, occurred_at, recorded_at, 'sabotage'
            FROM ledger_entries WHERE idempotency_key LIKE 'usage:%' ORDER BY id LIMIT 1
            """);
        // Lost: the newest usage event's entries gone.
        await Sql("""
            DELETE FROM ledger_entries WHERE idempotency_key = (SELECT idempotency_key FROM ledger_entries WHERE idempotency_key LIKE 'usage:%' AND note IS DISTINCT FROM 'sabotage' ORDER BY id DESC LIMIT 1)
            """);
        await Sql($"UPDATE ledger_accounts SET balance = balance + 1 WHERE customer_id = '{customers[1].CustomerId}'");
        await Sql("UPDATE ledger_reservations SET status = 'Open', expires_at = now() - interval '1 hour' WHERE id = (SELECT id FROM ledger_reservations ORDER BY created_at LIMIT 1)");
        await stripe.V1.Billing.MeterEvents.CreateAsync(new()
        {
            EventName = "credits_overage", Identifier = $"sabotage-{Guid.NewGuid():N}",
            Payload = new() { ["stripe_customer_id"] = customers[0].StripeCustomerId, ["value"] = "7" },
        }, cancellationToken: ct);
        await PublishWithoutReasonAsync(system.VirtualHost);
        ChaosScenario.Say("sabotage applied: one event twice, one lost, a balance +1, a stale reservation, a meter event, an error message without a reason");
    }

    static async Task PublishWithoutReasonAsync(RabbitMqVirtualHost vhost)
    {
        using var http = RabbitMqVirtualHost.CreateManagementClient();
        var vhostName = Uri.EscapeDataString(vhost.Name);
        (await http.PutAsync($"api/queues/{vhostName}/chaos-sabotage_error", new StringContent("""{"durable":true}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await http.PostAsync($"api/exchanges/{vhostName}/amq.default/publish", new StringContent(
            """{"properties":{},"routing_key":"chaos-sabotage_error","payload":"{\"what\":\"no reason\"}","payload_encoding":"string"}""",
            Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
    }
}
