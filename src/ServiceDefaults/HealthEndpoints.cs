using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Credits.ServiceDefaults;

public static class HealthEndpoints
{
    /// <summary>Tag of the checks that must pass before a host takes traffic (PostgreSQL, RabbitMQ).</summary>
    public const string Ready = "ready";

    public static IHostApplicationBuilder AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        // PostgreSQL through the shared NpgsqlDataSource; RabbitMQ through MassTransit's own bus
        // health check, which MassTransit registers with the "ready" tag.
        builder.Services.AddHealthChecks().AddNpgSql(name: "postgres", tags: [Ready]);
        return builder;
    }

    /// <summary>/health/live: the process answers. /health/ready: its dependencies answer too.</summary>
    public static IEndpointRouteBuilder MapDefaultHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) });
        return app;
    }
}
