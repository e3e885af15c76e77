namespace Credits.Client;

public sealed partial class CreditsClient
{
    /// <summary>GET /v1/operations/{id}: a plan change, top-up or card setup; null when there is none with that id.</summary>
    public Task<Operation?> GetOperationAsync(Guid operationId, CancellationToken ct = default) =>
        FindAsync<Operation>($"/v1/operations/{operationId}", ct);

    /// <summary>GET /v1/operations: of every customer, or of <paramref name="customerId"/>, newest first.</summary>
    public Task<IReadOnlyList<Operation>> ListOperationsAsync(string? customerId = null, int? limit = null, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<Operation>>(Request(HttpMethod.Get, "/v1/operations" + Query(("customerId", customerId), ("limit", limit))), ct);
}
