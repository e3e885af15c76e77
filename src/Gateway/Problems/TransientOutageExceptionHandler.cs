using Credits.Messaging.Outages;
using MassTransit;
using Microsoft.AspNetCore.Diagnostics;
using RabbitMQ.Client.Exceptions;

namespace Credits.Gateway.Problems;

/// <summary>
/// PostgreSQL or RabbitMQ briefly out of reach (a restart, a failover, a network blip) is neither the caller's mistake
/// nor a bug: 503 problem+json with Retry-After, in every environment, instead of a 500. Recognised: Npgsql's
/// transient errors (connection refused or reset, timeouts, PostgreSQL's own "cannot connect now", "admin shutdown",
/// "too many connections"), EF Core's execution strategy giving up on them, and RabbitMQ or MassTransit unable to
/// reach the broker or to have a message confirmed. Anywhere in the exception's inner chain, since EF Core and
/// MassTransit wrap them. A request that failed this way wrote nothing it could not roll back; one whose commit was
/// cut may have been applied, which is why the answer says to retry with the same idempotency key or event id.
/// docs/security/outages.md.
/// </summary>
sealed class TransientOutageExceptionHandler(IProblemDetailsService problems, ILogger<TransientOutageExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Seconds a caller is asked to wait: long enough for a restart's reconnect, short for a blip.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (Unavailable(exception) is not { } dependency || http.Response.HasStarted) return false;
        // One line, no stack: an outage makes many of these, and the dependency's own health check says the rest.
        logger.LogWarning("{Dependency} is unavailable; {Method} {Path} answered 503 ({Error})",
            dependency, http.Request.Method, http.Request.Path, exception.GetBaseException().GetType().Name);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = $"Credits cannot reach its {(dependency == Database ? "database" : "message broker")} just now. " +
                         $"Retry in {RetryAfterSeconds} seconds; a retry with the same Idempotency-Key or event id is applied at most once.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            },
        });
    }

    const string Database = "PostgreSQL";
    const string Broker = "RabbitMQ";

    /// <summary>The dependency that is out, or null when the exception is not an outage.</summary>
    internal static string? Unavailable(Exception exception)
    {
        if (TransientDatabaseError.IsIn(exception)) return Database;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BrokerUnreachableException or ConnectFailureException or AlreadyClosedException:
                case ConnectionException or TransportUnavailableException or RequestTimeoutException:
                    return Broker;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Select(Unavailable).FirstOrDefault(d => d is not null);
            }
        }
        return null;
    }
}
