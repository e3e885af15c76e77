using System.Globalization;
using System.Reflection;
using Credits.StripeEmulator.Control;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Benchmarks;

/// <summary>
/// The injected Stripe faults of the saga load scenario, at one rate on every write path the saga steps use.
/// The emulator applies the first matching rule only, so each path gets one kind; the subscription updates
/// (the plan change's main call) are split per customer so that both kinds hit them:
/// before execution (Stripe refuses with a 5xx or 429, nothing happened) and after execution (Stripe applied
/// the request, the response is lost; only the idempotency key stands between a retry and a second object).
/// </summary>
public static class SagaLoadFaults
{
    public static async Task<IReadOnlyList<string>> ApplyAsync(EmulatorControlClient control, double rate,
        IReadOnlyList<string> subscriptionIds)
    {
        var rules = new List<string>();
        async Task Add(string path, int status, bool afterExecution)
        {
            await control.AddFaultAsync(new { method = "POST", path, status, rate, afterExecution });
            rules.Add($"POST {path} {status} {(afterExecution ? "after execution" : "before execution")}");
        }

        for (var i = 0; i < subscriptionIds.Count; i++)
            await Add($"/v1/subscriptions/{subscriptionIds[i]}*", i % 2 == 0 ? 502 : 500, afterExecution: i % 2 == 0);
        await Add("/v1/subscriptions*", 503, afterExecution: false);
        await Add("/v1/payment_intents*", 502, afterExecution: true);
        await Add("/v1/checkout/sessions*", 500, afterExecution: true);
        await Add("/v1/invoices*", 503, afterExecution: false);
        await Add("/v1/customers*", 429, afterExecution: false);
        return Summarise(rules, rate);
    }

    /// <summary>
    /// How many requests the rules failed, before and after execution. The emulator keeps the count in an internal
    /// field of each rule and does not return it from its control API, so it is read here by reflection (in-process).
    /// </summary>
    public static (int Before, int After) Injected(RunningEmulator emulator)
    {
        var failed = typeof(FaultRule).GetField("Failed", BindingFlags.Instance | BindingFlags.NonPublic);
        if (failed is null) return (-1, -1);
        var rules = emulator.Services.GetRequiredService<Faults>().Rules;
        return (rules.Where(r => !r.AfterExecution).Sum(r => (int)failed.GetValue(r)!), rules.Where(r => r.AfterExecution).Sum(r => (int)failed.GetValue(r)!));
    }

    /// <summary>The per-subscription rules summarised in one line each kind, for the report.</summary>
    static IReadOnlyList<string> Summarise(List<string> rules, double rate)
    {
        var perSubscription = rules.Where(r => r.StartsWith("POST /v1/subscriptions/")).ToList();
        var summary = new List<string>
        {
            $"POST /v1/subscriptions/{{id}}* 502 after execution (half of the customers), 500 before execution (the other half): {perSubscription.Count} rules",
        };
        summary.AddRange(rules.Except(perSubscription));
        return summary.Select(r => $"{r}, rate {rate.ToString(CultureInfo.InvariantCulture)}").ToList();
    }
}
