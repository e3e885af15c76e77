using System.Text.Json;

namespace Credits.Persistence.Operators;

/// <summary>
/// Appends to the operator action log. <see cref="Add"/> only stages the row on the context: the caller saves it with
/// the action's own writes, so the action and its record commit together or not at all.
/// </summary>
public sealed class OperatorActionLog(CreditsDbContext db, TimeProvider clock)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public OperatorAction Add(string actor, string action, string reason, string? customerId = null, string? subject = null,
        object? details = null)
    {
        var entry = new OperatorAction
        {
            At = clock.GetUtcNow(), Actor = actor, Action = action, CustomerId = customerId, Subject = subject, Reason = reason,
            Details = JsonSerializer.Serialize(details ?? new { }, Json),
        };
        db.Add(entry);
        return entry;
    }
}
