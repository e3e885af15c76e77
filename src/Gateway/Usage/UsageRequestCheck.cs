using Credits.Ledger;
using Credits.Ledger.Usage;

namespace Credits.Gateway.Usage;

/// <summary>
/// What makes a POST /v1/usage request malformed as a whole (400, nothing recorded), as opposed to an event the
/// ledger refuses on its merits (credits not positive, an unknown customer: a per-event "rejected" result):
/// a null where an event belongs, control characters, ids or features too long to store, credits above
/// <see cref="LedgerLimits.MaxCredits"/>. The same limits hold on the bus (<see cref="UsageDebits.Malformed"/>).
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
            if (events[i] is not { } e)
            {
                errors[$"events[{i}]"] = ["an event object is required."];
                continue;
            }
            if (e.EventId is { } id && (id.Length > UsageDebits.MaxEventIdLength || LedgerLimits.HasControlCharacters(id)))
                errors[$"events[{i}].eventId"] = [$"eventId must be at most {UsageDebits.MaxEventIdLength} characters, without control characters."];
            if (e.CustomerId is { } customer && (customer.Length > LedgerLimits.MaxCustomerIdLength || LedgerLimits.HasControlCharacters(customer)))
                errors[$"events[{i}].customerId"] = [$"customerId must be at most {LedgerLimits.MaxCustomerIdLength} characters, without control characters."];
            if (e.Credits > LedgerLimits.MaxCredits)
                errors[$"events[{i}].credits"] = [$"credits must be at most {LedgerLimits.MaxCredits:N0} per event."];
            if (e.Feature is { } feature && (feature.Length > LedgerLimits.MaxFeatureLength || LedgerLimits.HasControlCharacters(feature)))
                errors[$"events[{i}].feature"] = [$"feature must be at most {LedgerLimits.MaxFeatureLength} characters, without control characters."];
        }
        return errors;
    }
}
