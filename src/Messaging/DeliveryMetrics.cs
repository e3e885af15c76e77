using System.Diagnostics.Metrics;

namespace Credits.Messaging;

/// <summary>
/// Sends the outbox relay and the scheduler could not make. Such a unit or scheduled message stays in PostgreSQL and is
/// tried again after its delay (<see cref="Outbox.PostgresOutboxOptions.SendRetryDelay"/>,
/// <see cref="Scheduling.PostgresMessageSchedulerOptions.RetryDelay"/>), for ever: nothing is lost, but a row that can
/// never be sent (an address no transport serves, headers no longer readable) showed only as a warning in the logs, and
/// the messages it holds (a grant, a deadline, a step's answer) wait with it. These counters (meter
/// <c>Credits.Messaging</c>) let an alert see it: a rate that stays above zero means a message is stuck.
/// </summary>
/// <remarks>A static meter, as MassTransit's own: the library needs no metrics services in its host's container.</remarks>
public static class DeliveryMetrics
{
    public const string MeterName = "Credits.Messaging";
    public const string OutboxUnitsPostponedName = "credits.outbox.units.postponed";
    public const string ScheduledMessagesPostponedName = "credits.scheduler.messages.postponed";

    static readonly Meter Meter = new(MeterName);

    static readonly Counter<long> Outbox = Meter.CreateCounter<long>(OutboxUnitsPostponedName, "{unit}",
        "Outbox units the relay could not send, kept and tried again after SendRetryDelay");

    static readonly Counter<long> Scheduled = Meter.CreateCounter<long>(ScheduledMessagesPostponedName, "{message}",
        "Due scheduled messages that could not be sent, kept and tried again after RetryDelay");

    public static void OutboxUnitsPostponed(int count) => Outbox.Add(count);

    public static void ScheduledMessagesPostponed(int count) => Scheduled.Add(count);
}
