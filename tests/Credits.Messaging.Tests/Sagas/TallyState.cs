using MassTransit;

namespace Credits.Messaging.Tests.Sagas;

public class TallyState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Opens { get; set; }
    public int Count { get; set; }
    public int DeadlinesReached { get; set; }
    public Guid? DeadlineTokenId { get; set; }
}
