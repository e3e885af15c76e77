using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Outbox;

/// <summary>
/// The bus outbox's writer (<see cref="BusOutboxScopedContext"/>): turns captured sends and publishes into outbox rows
/// tracked by the scope's DbContext, so the handler's own SaveChanges writes them and they commit (or roll back) with
/// its other rows. The relay sends them. A consumed message's rows are written by hand instead (<see cref="OutboxRows"/>).
/// </summary>
/// <remarks>
/// Tracked entities, because the handlers own their saves: some retry a save after a unique-key conflict and clear
/// their DbContext first, which must discard the messages of the failed attempt too.
/// </remarks>
sealed class OutboxWriter(DbContext dbContext)
{
    readonly Lock _lock = new();
    OutboxState? _unit;

    /// <summary>True once a message has been captured: the caller should wake the relay after commit.</summary>
    public bool HasMessages { get; private set; }

    public Task Add<T>(SendContext<T> context) where T : class
    {
        var now = DateTime.UtcNow;
        var message = OutboxMessage.From(context, now);

        // Publishes in one scope may run in parallel; a DbContext is not thread-safe.
        lock (_lock)
        {
            message.OutboxId = CurrentUnit(now).OutboxId;
            dbContext.Add(message);
            HasMessages = true;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The unit new messages join. A unit already saved (Unchanged) or discarded (Detached) may be in the
    /// relay's hands, so later messages start a new one instead of growing a unit under delivery.
    /// </summary>
    OutboxState CurrentUnit(DateTime now)
    {
        if (_unit is null || dbContext.Entry(_unit).State is EntityState.Unchanged or EntityState.Detached)
        {
            _unit = new OutboxState { OutboxId = NewId.NextGuid(), Created = now, RelayAfter = now };
            dbContext.Add(_unit);
        }
        return _unit;
    }
}
