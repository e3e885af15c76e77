using System.Text.Json.Nodes;
using Credits.StripeEmulator.Hosting;
using Credits.StripeEmulator.Webhooks;

namespace Credits.StripeEmulator.State;

/// <summary>
/// What billing logic changes: the store, the clocks and the event log. An API request and a test
/// clock advance both hand one in, so renewals and API calls share the same code. Use under the gate.
/// </summary>
public sealed record World(EmulatorStore Store, Clocks Clocks, EventLog Events, RequestRef? Request)
{
    /// <summary>The emulator's settings (renewal delay, retries, expiry...); Stripe's defaults unless set.</summary>
    public EmulatorOptions Options { get; init; } = new();

    /// <summary>The emulator's own base URL, for the pages it links to (hosted invoices, receipts).</summary>
    public PublicAddress Address { get; init; } = new();

    /// <summary>An absolute link to one of the emulator's pages, e.g. <c>/invoices/in_123</c>.</summary>
    public string PageUrl(string path) => $"{Address.Value}{path}";

    public JsonObject Emit(string type, JsonObject obj, JsonObject? previous = null) =>
        Events.Publish(type, obj, previous, Request);
}
