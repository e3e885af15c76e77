using Credits.StripeEmulator.State;
using Credits.StripeEmulator.Webhooks;

namespace Credits.StripeEmulator.Control;

/// <summary>Runs a change outside the Stripe API (hosted pages, control API) under the store's gate.</summary>
public static class WorldAccess
{
    public static T Change<T>(HttpContext http, Func<World, T> change)
    {
        var store = http.RequestServices.GetRequiredService<EmulatorStore>();
        var world = new World(store, http.RequestServices.GetRequiredService<Clocks>(),
            http.RequestServices.GetRequiredService<EventLog>(), null)
        {
            Options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.EmulatorOptions>>().Value,
            Address = http.RequestServices.GetRequiredService<Hosting.PublicAddress>(),
        };
        lock (store.Gate) return change(world);
    }
}
