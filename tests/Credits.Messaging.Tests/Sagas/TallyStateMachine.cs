using MassTransit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// Counts openings and increments; a deadline, once set, moves the tally to Expired unless cleared first.
/// An opening is accepted in every state, so concurrent openings show whether the insert race lost any.
/// </summary>
public class TallyStateMachine : MassTransitStateMachine<TallyState>
{
    public TallyStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Opened, x =>
        {
            x.CorrelateById(m => m.Message.TallyId);
            x.InsertOnInitial = true;
            x.SetSagaFactory(m => new TallyState { CorrelationId = m.Message.TallyId });
        });
        Event(() => Incremented, x => x.CorrelateById(m => m.Message.TallyId));
        Event(() => DeadlineSet, x => x.CorrelateById(m => m.Message.TallyId));
        Event(() => DeadlineCleared, x => x.CorrelateById(m => m.Message.TallyId));
        Event(() => Swept, x =>
        {
            x.CorrelateBy((tally, m) => tally.Count >= m.Message.MinimumCount);
            x.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => Deadline, x => x.DeadlineTokenId, s => s.Received = r => r.CorrelateById(m => m.Message.TallyId));

        Initially(
            When(Opened).Then(x => x.Saga.Opens++).TransitionTo(Open));

        During(Open,
            When(Opened).Then(x => x.Saga.Opens++),
            When(Incremented).Then(x => x.Saga.Count++),
            When(DeadlineSet).Schedule(Deadline, x => new TallyDeadlineReached { TallyId = x.Saga.CorrelationId }, x => x.Message.Delay),
            When(DeadlineCleared).Unschedule(Deadline),
            When(Swept).TransitionTo(Expired),
            When(Deadline!.Received).Then(x => x.Saga.DeadlinesReached++).TransitionTo(Expired));

        During(Expired,
            When(Opened).Then(x => x.Saga.Opens++),
            Ignore(Incremented), Ignore(DeadlineSet), Ignore(DeadlineCleared), Ignore(Swept));
    }

    public State Open { get; private set; } = null!;
    public State Expired { get; private set; } = null!;

    public Event<TallyOpened> Opened { get; private set; } = null!;
    public Event<TallyIncremented> Incremented { get; private set; } = null!;
    public Event<TallyDeadlineSet> DeadlineSet { get; private set; } = null!;
    public Event<TallyDeadlineCleared> DeadlineCleared { get; private set; } = null!;
    public Event<TalliesSwept> Swept { get; private set; } = null!;
    public Schedule<TallyState, TallyDeadlineReached> Deadline { get; private set; } = null!;
}
