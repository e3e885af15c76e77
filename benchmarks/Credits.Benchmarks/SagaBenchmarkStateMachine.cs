using MassTransit;

namespace Credits.Benchmarks;

/// <summary>The smallest useful transition: load an instance, change a field, save it.</summary>
public class SagaBenchmarkStateMachine : MassTransitStateMachine<SagaBenchmarkState>
{
    public SagaBenchmarkStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Opened, x =>
        {
            x.CorrelateById(m => m.Message.CounterId);
            x.InsertOnInitial = true;
            x.SetSagaFactory(m => new SagaBenchmarkState { CorrelationId = m.Message.CounterId });
        });
        Event(() => Counted, x => x.CorrelateById(m => m.Message.CounterId));

        Initially(When(Opened).TransitionTo(Counting));
        During(Counting, When(Counted).Then(x => x.Saga.Count++));
    }

    public State Counting { get; private set; } = null!;
    public Event<SagaBenchmarkOpened> Opened { get; private set; } = null!;
    public Event<SagaBenchmarkCounted> Counted { get; private set; } = null!;
}
