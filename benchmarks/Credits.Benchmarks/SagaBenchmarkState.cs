using MassTransit;

namespace Credits.Benchmarks;

public class SagaBenchmarkState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Count { get; set; }
}
