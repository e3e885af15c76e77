using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Messaging.Jobs;

public static class PeriodicJobRegistration
{
    /// <summary>Runs <typeparamref name="TJob"/> in the background, with the outcome record every job shares.</summary>
    public static IServiceCollection AddPeriodicJob<TJob>(this IServiceCollection services) where TJob : PeriodicJob
    {
        services.AddJobRuns();
        services.AddHostedService<TJob>();
        return services;
    }

    /// <summary>The outcome record (<see cref="JobRuns"/>), once, for a job and for a loop that records its passes itself (the relay).</summary>
    public static IServiceCollection AddJobRuns(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobRuns>();
        return services;
    }
}
