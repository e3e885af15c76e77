using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Credits.Messaging.Outages;

/// <summary>
/// PostgreSQL briefly out of reach: a restart, a failover, a network blip. Npgsql's transient errors (connection refused
/// or reset, timeouts, PostgreSQL's own "cannot connect now", "admin shutdown", "too many connections") and EF Core's
/// execution strategy giving up on them, anywhere in the exception's inner chain, since EF Core and MassTransit wrap
/// them. One home for the Gateway's 503 answer and the consumers' wait for the database.
/// </summary>
public static class TransientDatabaseError
{
    public static bool IsIn(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException { IsTransient: true }:
                case RetryLimitExceededException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsIn);
            }
        }
        return false;
    }
}
