using Credits.Contracts.PlanChanges;

namespace Credits.Sagas;

/// <summary>
/// The plans as configured (implemented over the Billing catalog by the host). Read from memory, so state
/// machines may use it without doing I/O.
/// </summary>
public interface IPlanCatalog
{
    string DefaultPlanId { get; }
    PlanTerms? Find(string planId);

    /// <summary>The plan whose flat fee is billed at <paramref name="priceId"/> (a flat price names one plan), or null.</summary>
    PlanTerms? FindByFlatPrice(string priceId);
}
