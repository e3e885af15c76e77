using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Credits.ServiceDefaults;

public static class Telemetry
{
    /// <summary>MassTransit's ActivitySource: it carries the trace context in message headers, so one
    /// trace follows a request from the Gateway over RabbitMQ into the Orchestrator.</summary>
    const string MassTransitSource = "MassTransit";

    /// <summary>
    /// Structured (JSON) logs, OpenTelemetry metrics, and traces for ASP.NET Core and MassTransit; with
    /// OTEL_EXPORTER_OTLP_ENDPOINT set, traces for HttpClient (Stripe) and Npgsql too, all exported over OTLP.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t =>
            {
                // ASP.NET Core's and MassTransit's spans always: they carry the trace context from the HTTP request over
                // RabbitMQ into the Orchestrator, so the logs of one request share its trace id (WalkingSkeletonTests).
                t.AddSource(MassTransitSource).AddSource(serviceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"));
                // The rest only when exported. Unread, they cost the hosts CPU on every message: a span per SQL
                // statement (with its text) and per Stripe call (docs/BENCHMARKS.md, issue 16).
                if (exporting)
                    t.AddHttpClientInstrumentation()
                        .AddNpgsql();
            })
            .WithMetrics(m => m
                .AddMeter(MassTransitSource)
                .AddMeter(serviceName)
                .AddMeter("Credits.Billing") // the webhook endpoint's refusals (Credits.Billing.Webhooks.WebhookRejections)
                .AddMeter("Credits.Messaging") // sends the outbox relay and the scheduler keep for a later try (Credits.Messaging.DeliveryMetrics)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        if (exporting)
            otel.UseOtlpExporter();

        return builder;
    }
}
