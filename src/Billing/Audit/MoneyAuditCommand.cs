using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Billing.Audit;

/// <summary>
/// <c>Credits.Orchestrator audit [--from ISO-8601] [--to ISO-8601]</c>: runs the money audit once over the window
/// (default: the configured lookback up to now) and prints every difference that needs an operator.
/// Exit code 0 when nothing needs one, 2 when something does, 1 when the run or a check failed.
/// </summary>
public static class MoneyAuditCommand
{
    public const string Verb = "audit";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<MoneyAudit>();
        var window = audit.DefaultWindow();
        if (!TryReadWindow(args, ref window, out var error))
        {
            await output.WriteLineAsync(error);
            return 1;
        }
        var run = await audit.RunAsync("cli", window, ct: ct);
        var waiting = await audit.WaitingForOperatorAsync(ct);
        foreach (var d in waiting)
            await output.WriteLineAsync($"{d.Status,-13} {d.Kind,-26} {d.CustomerId} {d.Subject}: expected {d.Expected}, found {d.Actual}" +
                                        (d.Repair is null ? "" : $" ({d.Repair})"));
        await output.WriteLineAsync($"audit {run.Id} {run.Status} over {window}: {run.Found} found, {run.New} new, {run.Repaired} repaired, " +
                                    $"{run.Cleared} cleared; {waiting.Count} waiting for an operator" + (run.Error is null ? "" : $"; errors: {run.Error}"));
        return run.Status is AuditRunStatus.Failed or AuditRunStatus.Skipped || run.Error is not null ? 1 : waiting.Count > 0 ? 2 : 0;
    }

    static bool TryReadWindow(string[] args, ref AuditWindow window, out string? error)
    {
        error = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is not ("--from" or "--to") || i + 1 >= args.Length
                || !DateTimeOffset.TryParse(args[i + 1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                error = $"usage: audit [--from <ISO-8601 time>] [--to <ISO-8601 time>]; could not read '{args[i]}'";
                return false;
            }
            window = args[i] == "--from" ? window with { From = at } : window with { To = at };
            i++;
        }
        if (window.From >= window.To) error = "audit: --from must be before --to";
        return error is null;
    }
}
