using System.ComponentModel.DataAnnotations;

namespace Credits.Gateway.RateLimits;

/// <summary>
/// Section "RateLimits": how much one customer may ask of the Gateway, and how many balance streams it holds open.
/// The defaults leave a person in the portal far from every limit and stop a script well before it costs anything;
/// docs/security/abuse.md gives the reasoning and what each limit means with several Gateway instances.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Plan changes, purchases and auto top-up settings of one customer, from the portal and /v1 together, counted by each
    /// Gateway instance in memory (N instances allow up to N times this). Default 20 a minute.
    /// </summary>
    public WindowLimit CustomerCommands { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// New purchases of one customer (each a Checkout Session or a charge on the saved card at Stripe), counted in
    /// PostgreSQL from the accepted requests, so the limit holds across instances. A repeated Idempotency-Key is the same
    /// purchase and does not count. Default 10 an hour.
    /// </summary>
    public WindowLimit Purchases { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) };

    /// <summary>Open balance streams, per Gateway instance. Defaults: 5 per customer, 1000 in all.</summary>
    public StreamLimits BalanceStreams { get; set; } = new();

    public sealed class WindowLimit
    {
        public int PermitLimit { get; set; }
        public TimeSpan Window { get; set; }
    }

    public sealed class StreamLimits
    {
        public int PerCustomer { get; set; } = 5;
        public int Total { get; set; } = 1000;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, limit, longest) in new[] { (nameof(CustomerCommands), CustomerCommands, TimeSpan.FromHours(1)), (nameof(Purchases), Purchases, TimeSpan.FromDays(1)) })
        {
            if (limit.PermitLimit is < 1 or > 100_000)
                yield return new($"{Section}:{name}:PermitLimit must be between 1 and 100000.", [name]);
            if (limit.Window < TimeSpan.FromSeconds(1) || limit.Window > longest)
                yield return new($"{Section}:{name}:Window must be between 00:00:01 and {longest:c}.", [name]);
        }
        if (BalanceStreams.PerCustomer is < 1 or > 1000)
            yield return new($"{Section}:BalanceStreams:PerCustomer must be between 1 and 1000.", [nameof(BalanceStreams)]);
        if (BalanceStreams.Total < BalanceStreams.PerCustomer || BalanceStreams.Total > 1_000_000)
            yield return new($"{Section}:BalanceStreams:Total must be at least PerCustomer and at most 1000000.", [nameof(BalanceStreams)]);
    }
}
