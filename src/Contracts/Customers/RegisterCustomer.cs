namespace Credits.Contracts.Customers;

/// <summary>Registers a customer under the app's own id; idempotent on <see cref="CustomerId"/> (a repeat is answered with <see cref="CustomerRegistered"/> again). <see cref="PlanId"/> null = the catalog's default plan.</summary>
public record RegisterCustomer
{
    public string CustomerId { get; init; } = "";
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? PlanId { get; init; }
}
