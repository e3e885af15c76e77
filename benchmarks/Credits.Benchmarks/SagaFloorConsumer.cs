using MassTransit;
using Npgsql;

namespace Credits.Benchmarks;

/// <summary>
/// The saga row's floor: what any transition on this broker and database must do, written by hand. The same two
/// round trips as the saga repository (<c>BEGIN</c> with the instance's locked read; the update with <c>COMMIT</c>)
/// on the same table, but no Entity Framework, no state machine and no saga repository. Whatever the saga path
/// costs above this rate is Credits' and its libraries'; what this costs below the no-op's rate is PostgreSQL,
/// Npgsql and the round trips themselves (docs/BENCHMARKS.md, thirteenth session).
/// </summary>
public sealed class SagaFloorConsumer(NpgsqlDataSource dataSource) : IConsumer<SagaBenchmarkFloorCounted>
{
    public async Task Consume(ConsumeContext<SagaBenchmarkFloorCounted> context)
    {
        var ct = context.CancellationToken;
        var id = context.Message.CounterId;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        int count;
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            read.BatchCommands.Add(FloorCommand.Of("""SELECT "Count" FROM benchmark_counter WHERE correlation_id = $1 FOR UPDATE""", id));
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"no counter {id}");
            count = reader.GetInt32(0);
        }
        await using var write = new NpgsqlBatch(connection);
        write.BatchCommands.Add(FloorCommand.Of("""UPDATE benchmark_counter SET "Count" = $2 WHERE correlation_id = $1""", id, count + 1));
        write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await write.ExecuteNonQueryAsync(ct);
    }
}
