using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Messaging.Jobs;

public static class PeriodicJobRegistration
{
    /// <summary>Runs <typeparamref name="TJob"/> in the background, with the outcome record every job shares.</summary>
    public static IServiceCollection AddPeriodicJob<TJob>(this IServiceCollection services) where TJob : PeriodicJob
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobRuns>();
        services.AddHostedService<TJob>();
        return services;
    }
}
