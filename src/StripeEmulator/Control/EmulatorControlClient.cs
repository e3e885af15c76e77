using System.Net.Http.Json;
using System.Text.Json.Nodes;
namespace Credits.StripeEmulator.Control;

/// <summary>
/// A client for the emulator's /_emulator control API over HTTP, for tests that host the emulator
/// in-process or run it as a separate process.
/// </summary>
public sealed class EmulatorControlClient(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl };

    /// <summary>Adds a fault rule (an object with the <see cref="Http.FaultRule"/> properties, camelCase); returns its id.</summary>
    public async Task<string> AddFaultAsync(object rule)
    {
        var response = await _http.PostAsJsonAsync("/_emulator/faults", rule);
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    public async Task ResetAsync() => (await _http.PostAsync("/_emulator/reset", null)).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync() => (await _http.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();

    public async Task ConfigureAsync(object settings) =>
        (await _http.PostAsJsonAsync("/_emulator/config", settings)).EnsureSuccessStatusCode();

    public async Task ChaosAsync(double duplicateRate, int reorderWindowMs) =>
        (await _http.PostAsJsonAsync("/_emulator/webhooks/chaos", new { duplicateRate, reorderWindowMs })).EnsureSuccessStatusCode();

    public async Task<JsonObject> DeliveriesAsync() =>
        (await _http.GetFromJsonAsync<JsonObject>("/_emulator/deliveries"))!;

    /// <summary>Sends every failed delivery that waits for its retry now (<see cref="Webhooks.WebhookDispatcher.RetryWaitingNow"/>); answers how many.</summary>
    public async Task<int> RetryDeliveriesNowAsync()
    {
        var response = await _http.PostAsync("/_emulator/deliveries/retry", null);
        response.EnsureSuccessStatusCode();
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["retried"]!;
    }

    public async Task ExpireMeterEventSessionsAsync() =>
        (await _http.PostAsync("/_emulator/meter_event_sessions/expire", null)).EnsureSuccessStatusCode();

    public async Task<JsonObject> CheckoutAsync(string sessionId, string action)
    {
        var response = await _http.PostAsync($"/_emulator/checkout/{sessionId}/{action}", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Opens a dispute on a charge (all of it unless <paramref name="amount"/>); answers the dispute.</summary>
    public async Task<JsonObject> DisputeAsync(string chargeId, long? amount = null, string reason = "fraudulent")
    {
        var response = await _http.PostAsync($"/_emulator/charges/{chargeId}/dispute?reason={reason}{(amount is { } a ? $"&amount={a}" : "")}", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Decides a dispute: <paramref name="outcome"/> is <c>won</c> or <c>lost</c>.</summary>
    public async Task<JsonObject> CloseDisputeAsync(string disputeId, string outcome)
    {
        var response = await _http.PostAsync($"/_emulator/disputes/{disputeId}/close?outcome={outcome}", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        _http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    public void Dispose() => _http.Dispose();
}
