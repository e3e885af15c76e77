using Credits.Billing.Catalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Credits.Orchestrator.Catalog;

/// <summary>Reports whether start-up has resolved the Stripe price ids the sagas need.</summary>
public sealed class PriceDirectoryHealthCheck(PriceDirectory prices) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(prices.IsResolved
            ? HealthCheckResult.Healthy("Stripe price ids resolved")
            : HealthCheckResult.Degraded("Stripe price ids not resolved yet: plan changes and top-ups are retried until they are"));
}
