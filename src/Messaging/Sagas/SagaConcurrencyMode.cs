namespace Credits.Messaging.Sagas;

/// <summary>How the PostgreSQL saga repository keeps two messages for one instance from overwriting each other.</summary>
public enum SagaConcurrencyMode
{
    /// <summary>
    /// <c>SELECT ... FOR UPDATE</c> on the correlation id: messages for one instance wait for each other
    /// inside PostgreSQL, so no retry is needed. The default.
    /// </summary>
    Pessimistic,

    /// <summary>
    /// No lock on load; the update checks the row's <c>xmin</c> and a conflicting message fails with
    /// <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/>, to be retried by the endpoint's
    /// retry policy. Cheaper when instances rarely receive concurrent messages.
    /// </summary>
    Optimistic,
}
