using System.Net;

namespace Credits.Client;

public sealed partial class CreditsClient
{
    /// <summary>
    /// POST /v1/customers: register a customer on <paramref name="planId"/> (default: the catalog's default plan).
    /// Idempotent on the customer id: accepted while the registration runs, the customer once it is registered.
    /// </summary>
    public async Task<CustomerRegistration> RegisterCustomerAsync(string customerId, string? email = null, string? name = null,
        string? planId = null, CancellationToken ct = default)
    {
        using var request = Request(HttpMethod.Post, "/v1/customers", new { customerId, email, name, planId });
        using var response = await http.SendAsync(request, ct);
        await ThrowIfRefusedAsync(request, response, ct);
        if (response.StatusCode == HttpStatusCode.Accepted)
            return await ReadAsync<CustomerRegistration>(response, ct) with { Accepted = true };
        var customer = await ReadAsync<Customer>(response, ct);
        return new CustomerRegistration(customer.CustomerId, customer.State, customer, Accepted: false);
    }

    /// <summary>GET /v1/customers/{id}; null when no such customer is registered.</summary>
    public Task<Customer?> GetCustomerAsync(string customerId, CancellationToken ct = default) =>
        FindAsync<Customer>(Customer(customerId), ct);

    /// <summary>
    /// POST plan: upgrades now (prorated), downgrades at the period end; follow the operation with
    /// <see cref="GetOperationAsync"/>. One change at a time: a 409 names the one in flight (problem member
    /// inFlightOperationId). The Idempotency-Key makes a retry answer the same operation and publish nothing.
    /// </summary>
    public Task<OperationAccepted> ChangePlanAsync(string customerId, string planId, string? idempotencyKey = null, CancellationToken ct = default) =>
        SendAsync<OperationAccepted>(Request(HttpMethod.Post, Customer(customerId) + "/plan", new { planId }, IdempotencyKeys.OrNew(idempotencyKey)), ct);

    /// <summary>GET the customer's plan changes and top-ups, newest first (<paramref name="limit"/> at most 200).</summary>
    public Task<IReadOnlyList<Operation>> GetCustomerOperationsAsync(string customerId, int? limit = null, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<Operation>>(Request(HttpMethod.Get, Customer(customerId) + "/operations" + Query(("limit", limit))), ct);

    /// <summary>POST portal-sessions: a link to the customer portal for this customer only, valid for a short while.</summary>
    public Task<PortalSession> CreatePortalSessionAsync(string customerId, CancellationToken ct = default) =>
        SendAsync<PortalSession>(Request(HttpMethod.Post, Customer(customerId) + "/portal-sessions"), ct);
}
