using System.Text.RegularExpressions;

namespace Credits.StripeEmulator.Http;

/// <summary>
/// One injected fault, matched by method and path pattern (<c>*</c> matches any characters).
/// <see cref="AfterExecution"/> lets the request succeed inside the emulator and then answers the
/// error: the "timed out after commit" case that idempotency keys exist for. <see cref="Stored"/> makes
/// the error the request's saved result (a 500 during execution, replayed for every retry).
/// </summary>
public sealed class FaultRule
{
    public string Id { get; set; } = Guid.NewGuid().ToString("n")[..12];
    public string Method { get; set; } = "*";
    public string Path { get; set; } = "*";
    /// <summary>Share of matching requests (0..1) that fail.</summary>
    public double Rate { get; set; } = 1;
    /// <summary>500, 502, 503, 429, 402 (card error), 400, 401, 409...</summary>
    public int Status { get; set; } = 500;
    /// <summary>Error code, e.g. <c>card_declined</c>, <c>rate_limit</c>; defaults by status.</summary>
    public string? Code { get; set; }
    /// <summary>The error's message instead of the default (e.g. one with ids, as Stripe's invalid_request_error messages have).</summary>
    public string? Message { get; set; }
    public int LatencyMs { get; set; }
    /// <summary>Never answer; the request ends when the client gives up.</summary>
    public bool Hang { get; set; }
    public bool AfterExecution { get; set; }
    /// <summary>
    /// The error happens while the endpoint executes: the request's changes are made and the error is
    /// saved under its idempotency key, so every retry with that key gets the same error replayed
    /// (<c>Idempotent-Replayed: true</c>), as Stripe replays a 500 raised during execution. Unlike
    /// <see cref="AfterExecution"/> (the success is saved and only this answer is lost).
    /// </summary>
    public bool Stored { get; set; }
    /// <summary>Stop after failing this many requests (null: forever).</summary>
    public int? Times { get; set; }

    internal int Failed;

    public bool Matches(string method, string path) =>
        (Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && Regex.IsMatch(path, "^" + Regex.Escape(Path).Replace("\\*", ".*") + "$");

    public bool Exhausted => Times is { } t && Volatile.Read(ref Failed) >= t;

    public StripeApiException Error() => Status switch
    {
        402 => StripeApiException.CardDeclined(Code ?? "card_declined", "generic_decline", "Your card was declined."),
        429 => new StripeApiException(429, "invalid_request_error", Code ?? "rate_limit",
            "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."),
        >= 500 => new StripeApiException(Status, "api_error", Code, "An unknown error occurred (injected fault)."),
        401 => new StripeApiException(401, "invalid_request_error", Code, "Invalid API Key provided (injected fault)."),
        409 => new StripeApiException(409, "invalid_request_error", Code ?? "lock_timeout", "Conflict (injected fault)."),
        _ => new StripeApiException(Status, "invalid_request_error", Code, Message ?? "Injected fault."),
    };
}

/// <summary>The active fault rules; the first matching rule applies.</summary>
public sealed class Faults
{
    private readonly Lock _gate = new();
    private List<FaultRule> _rules = [];

    public IReadOnlyList<FaultRule> Rules { get { lock (_gate) return _rules.ToList(); } }

    public void Add(FaultRule rule) { lock (_gate) _rules = [.. _rules, rule]; }

    public void Clear() { lock (_gate) _rules = []; }

    public bool Remove(string id) { lock (_gate) return _rules.RemoveAll(r => r.Id == id) > 0; }

    public FaultRule? Match(string method, string path)
    {
        lock (_gate) return _rules.FirstOrDefault(r => !r.Exhausted && r.Matches(method, path));
    }
}
