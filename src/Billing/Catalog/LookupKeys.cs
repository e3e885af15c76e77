namespace Credits.Billing.Catalog;

/// <summary>How Credits names its Stripe prices and products, so they are found again rather than duplicated.</summary>
public static class LookupKeys
{
    public static string Flat(string planId, int version = 1) => $"credits:{planId}:flat{Suffix(version)}";
    public static string Overage(string planId, int version = 1) => $"credits:{planId}:overage{Suffix(version)}";
    public static string Pack(string packId, int version = 1) => $"credits:pack:{packId}{Suffix(version)}";

    public static string PlanProduct(string planId) => $"credits_plan_{planId}";
    public static string PackProduct(string packId) => $"credits_pack_{packId}";

    static string Suffix(int version) => version <= 1 ? "" : $":v{version}";
}
