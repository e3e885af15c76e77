using System.Text.Json.Nodes;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Http;

/// <summary>Turns a resource handler into an endpoint: parameters, the store's gate, <c>expand[]</c>, errors.</summary>
public static class Api
{
    public static RequestDelegate Handle(Func<ApiCall, JsonNode> handler) => async http =>
    {
        var store = http.RequestServices.GetRequiredService<EmulatorStore>();
        int status;
        JsonNode body;
        try
        {
            var parameters = await RequestParams.ReadAsync(http);
            var call = new ApiCall(http, parameters);
            lock (store.Gate)
            {
                body = handler(call);
                body = Expansion.Apply(body.DeepClone(), parameters.Strings("expand"), store);
            }
            status = 200;
        }
        catch (StripeApiException e)
        {
            status = e.Status;
            body = e.ToEnvelope(RequestId.Of(http));
            foreach (var (name, value) in e.Headers) http.Response.Headers[name] = value;
            if (e.BeforeExecution) Idempotency.DoNotSave(http);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the emulator still answers in Stripe's envelope, so clients see a readable api_error.
            http.RequestServices.GetRequiredService<ILogger<EmulatorStore>>().LogError(e, "Unhandled error in {Path}", http.Request.Path);
            status = 500;
            body = new StripeApiException(500, "api_error", null, $"Stripe emulator error: {e.Message}").ToEnvelope(RequestId.Of(http));
        }
        // A fault rule that fails the request while it executes: the changes are made, the error is the answer.
        if (StoredFault.Of(http) is { } fault && !Idempotency.IsNotSaved(http))
        {
            status = fault.Status;
            body = fault.ToEnvelope(RequestId.Of(http));
        }
        await WriteAsync(http, status, body);
    };

    public static async Task WriteAsync(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    public static Task WriteErrorAsync(HttpContext http, StripeApiException error)
    {
        foreach (var (name, value) in error.Headers) http.Response.Headers[name] = value;
        return WriteAsync(http, error.Status, error.ToEnvelope(RequestId.Of(http)));
    }

    /// <summary>Stripe's <c>metadata</c> update rule: keys set to "" are removed, others merged.</summary>
    public static JsonObject Metadata(JsonObject? current, StripeParams p, string path = "metadata")
    {
        var result = (JsonObject?)current?.DeepClone() ?? [];
        var node = p.Node(path);
        if (node is JsonValue v && v.ToString() == "") return [];
        if (node is not JsonObject updates) return result;
        foreach (var (k, value) in updates)
        {
            var s = value?.ToString();
            if (string.IsNullOrEmpty(s)) result.Remove(k);
            else result[k] = s;
        }
        return result;
    }

    /// <summary>Top-level fields that differ, with their old values: an event's <c>previous_attributes</c>.</summary>
    public static JsonObject PreviousAttributes(JsonObject before, JsonObject after)
    {
        var previous = new JsonObject();
        foreach (var (k, old) in before)
            if (!JsonNode.DeepEquals(old, after[k])) previous[k] = old?.DeepClone();
        return previous;
    }

    public static JsonObject Deleted(string id, string type) => new() { ["id"] = id, ["object"] = type, ["deleted"] = true };
}
