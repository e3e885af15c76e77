using Microsoft.Extensions.Hosting;

namespace Credits.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>What every Credits host has: secrets from files, telemetry, structured logs, PostgreSQL, health checks.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.AddCatalogConfiguration();
        builder.AddSecretFiles();
        builder.AddTelemetry(serviceName);
        builder.AddPostgres();
        builder.AddDefaultHealthChecks();
        return builder;
    }
}
