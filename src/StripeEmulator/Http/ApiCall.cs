using System.Text.Json.Nodes;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;
using Microsoft.Extensions.Options;

namespace Credits.StripeEmulator.Http;

/// <summary>What a resource handler sees of one API request; runs under the store's gate.</summary>
public sealed class ApiCall(HttpContext http, StripeParams parameters)
{
    public HttpContext Http { get; } = http;
    public StripeParams Params { get; } = parameters;
    public EmulatorStore Store { get; } = http.RequestServices.GetRequiredService<EmulatorStore>();
    public Clocks Clocks { get; } = http.RequestServices.GetRequiredService<Clocks>();
    public EmulatorOptions Options { get; } = http.RequestServices.GetRequiredService<IOptions<EmulatorOptions>>().Value;
    private readonly EventLog _events = http.RequestServices.GetRequiredService<EventLog>();

    public T Service<T>() where T : notnull => Http.RequestServices.GetRequiredService<T>();

    public string Route(string name) => (string)Http.GetRouteValue(name)!;

    public RequestRef Request => new(RequestId.Of(Http), Http.Request.Headers["Idempotency-Key"].FirstOrDefault());

    public JsonObject Emit(string type, JsonObject obj, JsonObject? previous = null) =>
        _events.Publish(type, obj, previous, Request);

    /// <summary>The state and the event log, for billing logic shared with clock-driven changes.</summary>
    public World World => new(Store, Clocks, _events, Request) { Options = Options, Address = Service<PublicAddress>() };
}
