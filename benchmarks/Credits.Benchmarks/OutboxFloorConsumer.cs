using System.Text.Json;
using MassTransit;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// The outbox row's floor, a lower bound on what any transactional outbox costs here: the consumer's row, the inbox
/// claim and the outbox's two rows written by hand in one round trip that ends with <c>COMMIT</c> (what the outbox's
/// last save sends), then the event published straight to the broker. It leaves out everything a relay must still do
/// (read the rows back, delete them), and its message row is smaller than MassTransit's envelope, so a real outbox can
/// only be slower (docs/BENCHMARKS.md, thirteenth session).
/// The tables are copies of the real ones with their indexes (<see cref="CreateTablesSql"/>): the relay running in the
/// same process must not see these rows.
/// </summary>
public sealed class OutboxFloorConsumer(NpgsqlDataSource dataSource) : IConsumer<OutboxFloorRequested>
{
    static readonly Guid ConsumerId = Guid.NewGuid();

    public const string CreateTablesSql = """
        CREATE TABLE floor_benchmark_row (LIKE benchmark_row INCLUDING ALL);
        CREATE TABLE floor_inbox_state (LIKE inbox_state INCLUDING ALL);
        CREATE TABLE floor_outbox_state (LIKE outbox_state INCLUDING ALL);
        CREATE TABLE floor_outbox_message (LIKE outbox_message INCLUDING ALL);
        """;

    public async Task Consume(ConsumeContext<OutboxFloorRequested> context)
    {
        var ct = context.CancellationToken;
        var id = context.Message.Id;
        var now = DateTime.UtcNow;
        var outboxId = Guid.NewGuid();
        var forwarded = new OutboxFloorForwarded { Id = id };
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            batch.BatchCommands.Add(FloorCommand.Of("INSERT INTO floor_benchmark_row (id, written) VALUES ($1, $2)", id, now));
            batch.BatchCommands.Add(FloorCommand.Of("INSERT INTO floor_inbox_state (message_id, consumer_id, received, receive_count) VALUES ($1, $2, $3, 1)",
                context.MessageId ?? Guid.NewGuid(), ConsumerId, now));
            batch.BatchCommands.Add(FloorCommand.Of("INSERT INTO floor_outbox_state (outbox_id, created, relay_after) VALUES ($1, $2, $3)", outboxId, now, now));
            batch.BatchCommands.Add(FloorCommand.Of("""
                INSERT INTO floor_outbox_message (outbox_id, message_id, content_type, message_type, body, headers, sent_time, destination_address)
                VALUES ($1, $2, 'application/vnd.masstransit+json', $3, $4, '{}'::jsonb, $5, $6)
                """, outboxId, Guid.NewGuid(), "urn:message:Credits.Benchmarks:OutboxFloorForwarded",
                JsonSerializer.Serialize(forwarded), now, "exchange:Credits.Benchmarks:OutboxFloorForwarded"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await batch.ExecuteNonQueryAsync(ct);
        }
        await context.Publish(forwarded, ct);
    }
}

/// <summary>Consumed by <see cref="OutboxFloorConsumer"/>.</summary>
public record OutboxFloorRequested
{
    public Guid Id { get; init; }
}

/// <summary>Published straight to the broker by <see cref="OutboxFloorConsumer"/> and counted downstream.</summary>
public record OutboxFloorForwarded
{
    public Guid Id { get; init; }
}
