using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Credits.Client;

/// <summary>
/// A typed HttpClient for the Gateway's /v1 API. Register it with <c>services.AddCreditsClient(...)</c> (base address,
/// API key, resilience) or build it on an HttpClient whose BaseAddress and Authorization header are set.
/// <para>
/// Retries are safe: usage is idempotent on each event's id, and every other write the client sends carries an
/// Idempotency-Key chosen once per call (or passed by the caller), or is idempotent by itself (registration on the
/// customer id, settle and release on the reservation, the auto top-up and member limits are "set to").
/// </para>
/// <para>
/// Errors: a refusal is a <see cref="CreditsApiException"/> with the RFC 7807 problem. The reads named Get…Async of
/// one thing (a customer, a balance, an operation, an auto top-up) answer null for 404: the thing does not exist yet,
/// which an app meets in normal use (before registration finishes, before the first period opens). Every other call
/// throws on 404 too: there it is a mistake (a customer id that was never registered).
/// </para>
/// </summary>
public sealed partial class CreditsClient(HttpClient http)
{
    static string Customer(string customerId) => "/v1/customers/" + Uri.EscapeDataString(customerId);

    static HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: CreditsJson.Options);
        if (idempotencyKey is not null) request.Headers.Add(IdempotencyKeys.Header, idempotencyKey);
        return request;
    }

    async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        using (var response = await http.SendAsync(request, ct))
        {
            await ThrowIfRefusedAsync(request, response, ct);
            return await ReadAsync<T>(response, ct);
        }
    }

    /// <summary>The body, or null when the Gateway answers 404 (see the class's notes on which reads do).</summary>
    async Task<T?> FindAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await ThrowIfRefusedAsync(request, response, ct);
        return await ReadAsync<T>(response, ct);
    }

    static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync<T>(CreditsJson.Options, ct)
            ?? throw new JsonException($"The Gateway answered {(int)response.StatusCode} without a body.");

    static async Task ThrowIfRefusedAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var problem = await ProblemAsync(response, ct);
        // The path only: a query may carry a caller's values, and no header (the API key) is ever part of the message.
        throw new CreditsApiException(request.Method, request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath
            : request.RequestUri?.OriginalString.Split('?')[0] ?? "", response.StatusCode, problem);
    }

    static async Task<CreditsProblem> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json"
                && await response.Content.ReadFromJsonAsync<CreditsProblem>(CreditsJson.Options, ct) is { } problem)
                return problem with { Status = problem.Status ?? status };
        }
        catch (JsonException)
        {
            // Not problem details after all (a proxy's page): the status is still told.
        }
        return new CreditsProblem { Status = status, Title = response.ReasonPhrase };
    }
}
