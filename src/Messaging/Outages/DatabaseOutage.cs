using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Credits.Messaging.Outages;

/// <summary>
/// Waits for PostgreSQL before a consumed message is tried again. A restart or a failover keeps the database out for
/// seconds to a minute, longer than an endpoint's quick retries (a few seconds in all): without the wait the message
/// went to the _error queue, where nobody acts on it (the chaos soak lost two top-up requests that way during a
/// 9-second restart; docs/RELIABILITY.md). Only a retry waits, so the first attempt of every message costs nothing;
/// the wait is a connection and a <c>SELECT 1</c>, tried again on the schedule below, about two minutes in all.
/// Nothing of the message has run yet, so waiting changes nothing but when it runs.
/// </summary>
public static class DatabaseOutage
{
    static readonly TimeSpan[] Waits =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10),
         TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)];

    public static async Task WaitUntilReachableAsync(DbContext dbContext, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await dbContext.Database.OpenConnectionAsync(cancellationToken);
                await using var probe = dbContext.Database.GetDbConnection().CreateCommand();
                probe.CommandText = "SELECT 1";
                await probe.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (attempt < Waits.Length && TransientDatabaseError.IsIn(e) && !cancellationToken.IsCancellationRequested)
            {
                await dbContext.Database.CloseConnectionAsync();
                // The pool's idle connections died with the server: the next attempt must open a new one.
                if (dbContext.Database.GetDbConnection() is NpgsqlConnection connection) NpgsqlConnection.ClearPool(connection);
                await Task.Delay(Waits[attempt], cancellationToken);
            }
        }
    }
}
