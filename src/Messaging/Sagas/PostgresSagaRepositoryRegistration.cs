using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Messaging.Sagas;

/// <summary>
/// Gives every saga registered on the bus (<c>x.AddSagaStateMachine&lt;TMachine, TState&gt;()</c>) a repository
/// on the scoped <typeparamref name="TDbContext"/> of its message, instead of MassTransit's in-memory one.
/// </summary>
public sealed class PostgresSagaRepositoryRegistration<TDbContext>(PostgresSagaRepositoryOptions options) : ISagaRepositoryRegistrationProvider
    where TDbContext : DbContext
{
    public void Configure<TSaga>(ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        configurator.Repository(services =>
        {
            services.TryAddSingleton(options);
            services.RegisterLoadSagaRepository<TSaga, PostgresSagaQueryContextFactory<TDbContext, TSaga>>();
            services.RegisterQuerySagaRepository<TSaga, PostgresSagaQueryContextFactory<TDbContext, TSaga>>();
            services.RegisterSagaRepository<TSaga, DbContext, SagaConsumeContextFactory<DbContext, TSaga>,
                PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
        });
    }
}
