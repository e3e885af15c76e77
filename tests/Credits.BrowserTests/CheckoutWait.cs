namespace Credits.BrowserTests;

/// <summary>
/// How long a test waits for the portal to open Stripe's Checkout page. The saga creates the session within a second
/// or two, but a Stripe step that fails its quick retries (a stalled emulator or database on a loaded CI machine) is
/// delivered again a minute later (<c>Sagas:StepRedelivery</c>); the portal waits two minutes for the page's address.
/// A test that allowed 60 seconds failed once in a clean-clone run, most likely that way.
/// </summary>
static class CheckoutWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);
}
