using System.Reflection;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.DependencyInjection;
using MassTransit.JobService;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Transports;

namespace Credits.Messaging.Outbox;

/// <summary>
/// Puts MassTransit's outbox filter (a scope per message, then <see cref="PostgresOutboxContextFactory{TDbContext}"/>)
/// on each consumer and saga message pipe of an endpoint, as MassTransit's own observer does, and also says where each
/// one's inbox is claimed: in its last save for sagas and for consumers marked <see cref="ClaimsInboxOnCommitAttribute"/>,
/// before it runs for the others.
/// </summary>
/// <remarks>
/// The consumer id is MassTransit's (endpoint name, consumer or saga type, message type), so inbox rows written before
/// this observer existed still recognise their redeliveries.
/// </remarks>
sealed class PostgresOutboxConsumePipeSpecificationObserver<TDbContext>(IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    : IConsumerConfigurationObserver, ISagaConfigurationObserver
    where TDbContext : class
{
    readonly ISetScopedConsumeContext _setter = context as ISetScopedConsumeContext
        ?? throw new ArgumentException("The registration context cannot set the scoped consume context.", nameof(context));

    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class
    {
        if (configurator is not IConsumerMessageConfigurator<TMessage> message)
            throw new ConfigurationException($"The outbox filter could not be added: {TypeCache<TConsumer>.ShortName} - {TypeCache<TMessage>.ShortName}");
        AddFilter<TConsumer, TMessage>(message, typeof(TConsumer).IsDefined(typeof(ClaimsInboxOnCommitAttribute)));
    }

    public void SagaConfigured<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
    }

    public void StateMachineSagaConfigured<TInstance>(ISagaConfigurator<TInstance> configurator, SagaStateMachine<TInstance> stateMachine)
        where TInstance : class, ISaga, SagaStateMachineInstance
    {
    }

    /// <summary>A saga only changes its instance, schedules and sends: all of it rows in the same transaction.</summary>
    public void SagaMessageConfigured<TSaga, TMessage>(ISagaMessageConfigurator<TSaga, TMessage> configurator)
        where TSaga : class, ISaga
        where TMessage : class
    {
        if (configurator is not ISagaMessageConfigurator<TMessage> message)
            throw new ConfigurationException($"The outbox filter could not be added: {TypeCache<TSaga>.ShortName} - {TypeCache<TMessage>.ShortName}");
        AddFilter<TSaga, TMessage>(message, claimOnCommit: true);
    }

    void AddFilter<T, TMessage>(IPipeConfigurator<ConsumeContext<TMessage>> message, bool claimOnCommit)
        where T : class
        where TMessage : class
    {
        var options = new PostgresOutboxConsumeOptions
        {
            ConsumerId = JobMetadataCache<T, TMessage>.GenerateJobTypeId(endpoint.InputAddress.GetEndpointName()),
            ConsumerType = TypeMetadataCache<T>.ShortName,
            ClaimOnCommit = claimOnCommit,
        };
        var filter = new OutboxConsumeFilter<TDbContext, TMessage>(new ConsumeScopeProvider(context, _setter), options);
        message.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(filter));
    }
}
