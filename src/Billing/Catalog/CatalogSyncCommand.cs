using Microsoft.Extensions.DependencyInjection;

namespace Credits.Billing.Catalog;

/// <summary>
/// <c>Credits.Orchestrator sync-catalog</c>: runs <see cref="CatalogSync"/> once and prints the outcome.
/// Exit code 0 when in sync, 1 on a failure, 2 when prices drifted (left unchanged; raise PriceVersion).
/// </summary>
public static class CatalogSyncCommand
{
    public const string Verb = "sync-catalog";

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct = default)
    {
        var report = await services.GetRequiredService<CatalogSync>().RunAsync(ct);
        foreach (var created in report.Created) await output.WriteLineAsync($"created   {created}");
        foreach (var updated in report.Updated) await output.WriteLineAsync($"updated   {updated}");
        foreach (var drift in report.Drift)
            await output.WriteLineAsync($"drift     {drift.LookupKey} ({drift.PriceId}): {drift.Field} is {drift.InStripe} in Stripe, configured {drift.Configured}");
        foreach (var failure in report.Failures) await output.WriteLineAsync($"failed    {failure}");
        if (report.NewWebhookSecret is not null)
            await output.WriteLineAsync($"webhook endpoint {report.WebhookEndpointId} created: copy its signing secret from the Stripe dashboard into Stripe:WebhookSecret");
        await output.WriteLineAsync($"catalog sync: {report}");
        return !report.Succeeded ? 1 : report.Drift.Count > 0 ? 2 : 0;
    }
}
