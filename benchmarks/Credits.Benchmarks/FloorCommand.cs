using Npgsql;

namespace Credits.Benchmarks;

/// <summary>A statement of a floor consumer's hand-written batch, with its positional parameters ($1, $2, ...).</summary>
static class FloorCommand
{
    public static NpgsqlBatchCommand Of(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
