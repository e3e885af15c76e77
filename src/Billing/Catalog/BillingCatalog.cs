using Credits.Ledger;
using Microsoft.Extensions.Configuration;

namespace Credits.Billing.Catalog;

/// <summary>The plans' prices and the credit packs, from configuration, validated once at start-up.</summary>
public sealed class BillingCatalog
{
    public const string PlansSection = "Plans";
    public const string PacksSection = "CreditPacks";

    public BillingCatalog(IEnumerable<PlanPrice> plans, IEnumerable<CreditPack> packs)
    {
        Plans = plans.ToList();
        Packs = packs.ToList();
        var errors = Validate();
        if (errors.Count > 0) throw new InvalidOperationException("Invalid billing catalog: " + string.Join("; ", errors));
    }

    public IReadOnlyList<PlanPrice> Plans { get; }
    public IReadOnlyList<CreditPack> Packs { get; }

    public PlanPrice? Plan(string id) => Plans.FirstOrDefault(p => p.Id == id);
    public CreditPack? Pack(string id) => Packs.FirstOrDefault(p => p.Id == id);

    public static BillingCatalog FromConfiguration(IConfiguration configuration) => new(
        Bind<PlanPrice>(configuration.GetSection(PlansSection), (p, id) => p.Id = id),
        Bind<CreditPack>(configuration.GetSection(PacksSection), (p, id) => p.Id = id));

    static IEnumerable<T> Bind<T>(IConfigurationSection section, Action<T, string> setId) where T : new() =>
        section.GetChildren().Select(child =>
        {
            var item = child.Get<T>() ?? new T();
            setId(item, child.Key);
            return item;
        }).ToList();

    List<string> Validate()
    {
        var errors = new List<string>();
        foreach (var p in Plans)
        {
            if (p.FlatMonthlyAmount < 0) errors.Add($"Plans:{p.Id}:FlatMonthlyAmount must not be negative");
            if (p.Currency is not { Length: 3 }) errors.Add($"Plans:{p.Id}:Currency must be a 3-letter ISO code");
            if (p.OverageAllowed && p.OverageUnitAmount <= 0) errors.Add($"Plans:{p.Id}:OverageUnitAmount must be positive when OverageAllowed");
            if (!p.OverageAllowed && p.OverageUnitAmount != 0) errors.Add($"Plans:{p.Id}:OverageUnitAmount is set but OverageAllowed is false");
            if (p.PriceVersion < 1) errors.Add($"Plans:{p.Id}:PriceVersion must be at least 1");
        }
        foreach (var p in Packs)
        {
            if (p.Credits <= 0) errors.Add($"CreditPacks:{p.Id}:Credits must be positive");
            if (p.Credits > LedgerLimits.MaxCredits) errors.Add($"CreditPacks:{p.Id}:Credits must be at most {LedgerLimits.MaxCredits}");
            if (p.Amount <= 0) errors.Add($"CreditPacks:{p.Id}:Amount must be positive");
            if (p.Currency is not { Length: 3 }) errors.Add($"CreditPacks:{p.Id}:Currency must be a 3-letter ISO code");
            if (p.PriceVersion < 1) errors.Add($"CreditPacks:{p.Id}:PriceVersion must be at least 1");
        }
        return errors;
    }
}
