using Credits.Messaging.Commits;
using Credits.Messaging.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Messaging;

public static class PostgresSagaRepositoryExtensions
{
    /// <summary>
    /// Stores the instances of every saga of this bus in <typeparamref name="TDbContext"/> (resolved from the
    /// message scope, so a transaction begun there by the outbox is joined). Map each instance type in the
    /// DbContext with <see cref="SagaInstanceMappingExtensions.MapSagaInstance{TSaga}"/>. A transition's last save
    /// carries its commit (<see cref="CommitFoldingExtensions"/>), and the instance's read is locked by
    /// <see cref="RowLockInterceptor"/>, which this adds to the DbContext.
    /// </summary>
    public static void SetPostgresSagaRepositoryProvider<TDbContext>(this IBusRegistrationConfigurator configurator,
        Action<PostgresSagaRepositoryOptions>? configure = null)
        where TDbContext : DbContext
    {
        var options = new PostgresSagaRepositoryOptions();
        configure?.Invoke(options);
        configurator.FoldCommitIntoLastBatch<TDbContext>();
        configurator.ConfigureDbContext<TDbContext>((_, builder) => builder.AddInterceptors(RowLockInterceptor.Instance));
        configurator.SetSagaRepositoryProvider(new PostgresSagaRepositoryRegistration<TDbContext>(options));
    }
}
