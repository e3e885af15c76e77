using Credits.Billing.Catalog;
using Credits.Contracts.PlanChanges;
using Credits.Ledger.Plans;
using Credits.Sagas;
using Microsoft.Extensions.Options;

namespace Credits.Orchestrator.Catalog;

/// <summary>
/// The sagas' view of the plans: terms from the configured catalog, price ids from the
/// <see cref="PriceDirectory"/> resolved at start-up. No I/O; before the directory is resolved a lookup
/// throws <see cref="PriceDirectoryNotReadyException"/> and the message is retried.
/// </summary>
public sealed class ConfiguredPlanCatalog : IPlanCatalog
{
    readonly BillingCatalog _catalog;
    readonly PlanCatalog _ledgerPlans;
    readonly PriceDirectory _prices;

    public ConfiguredPlanCatalog(BillingCatalog catalog, PlanCatalog ledgerPlans, PriceDirectory prices, IOptions<CatalogOptions> options)
    {
        _catalog = catalog;
        _ledgerPlans = ledgerPlans;
        _prices = prices;
        DefaultPlanId = options.Value.DefaultPlan;
        if (catalog.Plan(DefaultPlanId) is null)
            throw new OptionsValidationException(nameof(CatalogOptions.DefaultPlan), typeof(CatalogOptions),
                [$"Catalog:DefaultPlan '{DefaultPlanId}' is not a configured plan"]);
    }

    public string DefaultPlanId { get; }

    public PlanTerms? Find(string planId) => _catalog.Plan(planId) is { } plan
        ? new PlanTerms
        {
            PlanId = plan.Id,
            FlatPriceId = _prices.PriceId(plan.FlatLookupKey),
            MeteredPriceId = plan.OverageAllowed ? _prices.PriceId(plan.OverageLookupKey) : null,
            MonthlyAmount = plan.FlatMonthlyAmount,
            IncludedCredits = IncludedCredits(plan.Id),
        }
        : null;

    public PlanTerms? FindByFlatPrice(string priceId) =>
        _catalog.Plans.FirstOrDefault(plan => _prices.PriceId(plan.FlatLookupKey) == priceId) is { } plan ? Find(plan.Id) : null;

    /// <summary>Included credits are the ledger's plan terms (the same catalog.json, section Plans).</summary>
    long IncludedCredits(string planId) => _ledgerPlans.Contains(planId) ? _ledgerPlans.Get(planId).IncludedCredits : 0;
}
