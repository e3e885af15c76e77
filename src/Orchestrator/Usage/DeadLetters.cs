using MassTransit;

namespace Credits.Orchestrator.Usage;

/// <summary>
/// Moves one message that will never be applied to its endpoint's error queue, where MassTransit
/// puts faulted messages too, with the reason in the same headers. Sent through the consume
/// context, so it leaves with the outbox, only if the rest of the transaction commits.
/// </summary>
public static class DeadLetters
{
    public const string ReasonHeader = "MT-Reason";
    public const string FaultMessageHeader = "MT-Fault-Message";

    public static async Task SendAsync<T>(ConsumeContext context, T message, string reason) where T : class
    {
        var input = context.ReceiveContext.InputAddress;
        var errorQueue = new Uri($"queue:{input.AbsolutePath.Split('/').Last()}_error");
        var endpoint = await context.GetSendEndpoint(errorQueue);
        await endpoint.Send(message, send =>
        {
            send.Headers.Set(ReasonHeader, "rejected");
            send.Headers.Set(FaultMessageHeader, reason);
        }, context.CancellationToken);
    }
}
