namespace Credits.Client;

/// <summary>
/// The Idempotency-Key of a write, chosen once per call (or given by the caller) and set on the request before it
/// goes through the resilience handler: every retry of that call carries the same key, so the Gateway applies it at
/// most once. A caller that retries a call itself (after a crash, from a queue) passes its own stable key instead.
/// </summary>
static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public static string OrNew(string? key) => key ?? Guid.NewGuid().ToString("N");
}
