using Microsoft.Extensions.Configuration;

namespace Credits.Ledger.Plans;

/// <summary>The configured plans, validated once at start-up: plans are configuration, not code.</summary>
public sealed class PlanCatalog
{
    public const string SectionName = "Plans";

    readonly Dictionary<string, PlanDefinition> _plans;

    public PlanCatalog(IEnumerable<PlanDefinition> plans)
    {
        var list = plans.ToList();
        var errors = Validate(list);
        if (errors.Count > 0)
            throw new InvalidOperationException("Invalid plan configuration: " + string.Join("; ", errors));
        _plans = list.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Binds <c>Plans:{id}:{property}</c>; the child key becomes the plan's id.</summary>
    public static PlanCatalog FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var plans = section.GetChildren().Select(child =>
        {
            var plan = child.Get<PlanDefinition>() ?? new PlanDefinition();
            plan.Id = child.Key;
            return plan;
        });
        return new PlanCatalog(plans);
    }

    public IReadOnlyCollection<PlanDefinition> All => _plans.Values;

    public bool Contains(string planId) => _plans.ContainsKey(planId);

    public PlanDefinition Get(string planId) =>
        _plans.TryGetValue(planId, out var plan) ? plan
            : throw new InvalidOperationException($"Plan '{planId}' is not configured (section {SectionName}).");

    static List<string> Validate(IReadOnlyList<PlanDefinition> plans)
    {
        var errors = new List<string>();
        if (plans.Count == 0) errors.Add($"no plans configured in section '{SectionName}'");
        foreach (var duplicate in plans.GroupBy(p => p.Id).Where(g => g.Count() > 1))
            errors.Add($"plan id '{duplicate.Key}' appears more than once");
        foreach (var p in plans)
        {
            if (string.IsNullOrWhiteSpace(p.Id)) errors.Add("a plan has no id");
            if (string.IsNullOrWhiteSpace(p.DisplayName)) errors.Add($"plan '{p.Id}': DisplayName is required");
            if (p.IncludedCredits < 0) errors.Add($"plan '{p.Id}': IncludedCredits must not be negative");
            if (p.IncludedCredits > LedgerLimits.MaxCredits) errors.Add($"plan '{p.Id}': IncludedCredits must be at most {LedgerLimits.MaxCredits}");
            if (p.RolloverCap < 0) errors.Add($"plan '{p.Id}': RolloverCap must not be negative");
            if (p.LowBalanceThresholds.Any(t => t > LedgerLimits.MaxCredits))
                errors.Add($"plan '{p.Id}': LowBalanceThresholds must be at most {LedgerLimits.MaxCredits}");
            if (p.LowBalanceThresholds.Any(t => t <= 0))
                errors.Add($"plan '{p.Id}': LowBalanceThresholds must be positive");
            if (p.TrialCredits < 0) errors.Add($"plan '{p.Id}': TrialCredits must not be negative");
            if (p.TrialCredits > LedgerLimits.MaxCredits) errors.Add($"plan '{p.Id}': TrialCredits must be at most {LedgerLimits.MaxCredits}");
            if (p.TrialCreditsExpireAfterDays is < 1 or > TrialCredits.MaxExpireAfterDays)
                errors.Add($"plan '{p.Id}': TrialCreditsExpireAfterDays must be between 1 and {TrialCredits.MaxExpireAfterDays} (or left out: trial credits that never lapse)");
            if (p.LowBalanceThresholds.Distinct().Count() != p.LowBalanceThresholds.Length)
                errors.Add($"plan '{p.Id}': LowBalanceThresholds must be distinct");
        }
        return errors;
    }
}
