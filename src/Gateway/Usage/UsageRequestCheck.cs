using Credits.Ledger.Usage;

namespace Credits.Gateway.Usage;

/// <summary>
/// What makes a POST /v1/usage request malformed as a whole (400, nothing recorded), as opposed to an event the
/// ledger refuses on its merits (credits not positive, an unknown customer: a per-event "rejected" result):
/// a null where an event belongs, an event that can never be stored (<see cref="UsageDebits.Unstorable"/>, the same
/// rule the bus applies), or usage in a native unit that can never be priced (<see cref="UsageDebits.Unpriceable"/>).
/// </summary>
static class UsageRequestCheck
{
    /// <summary>At most this many fields are named, so a thousand bad events do not make a megabyte of problem.</summary>
    const int MaxErrors = 20;

    public static Dictionary<string, string[]> Errors(IReadOnlyList<UsageApi.UsageEvent?> events)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < events.Count && errors.Count < MaxErrors; i++)
        {
            if (events[i] is not { } e) errors[$"events[{i}]"] = ["an event object is required."];
            else if ((UsageDebits.Unstorable(e.EventId, e.CustomerId, e.Credits, e.Feature, e.MemberId) ?? UsageDebits.Unpriceable(e.ToUsage())) is { } problem)
                errors[$"events[{i}].{problem.Field}"] = [problem.Problem + "."];
        }
        return errors;
    }
}
