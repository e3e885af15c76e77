using System.Text.Json;
using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;

namespace Credits.Sagas;

/// <summary>Saga instances keep item lists and plan terms as JSON text columns; one place for the format.</summary>
internal static class SagaJson
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value);

    public static IReadOnlyList<SubscriptionItem> Items(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<SubscriptionItem>>(json) ?? [];

    public static PlanTerms Plan(string? json) =>
        string.IsNullOrEmpty(json) ? new PlanTerms() : JsonSerializer.Deserialize<PlanTerms>(json) ?? new PlanTerms();
}
