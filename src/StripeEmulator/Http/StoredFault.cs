namespace Credits.StripeEmulator.Http;

/// <summary>
/// An injected error raised while the endpoint executes (<see cref="FaultRule.Stored"/>): the request's
/// changes are made, the error is the answer, and the idempotency layer saves it like any result of an
/// execution, so every retry under the same key gets the same error replayed for 24 hours.
/// </summary>
public static class StoredFault
{
    private const string Key = "stripe.stored_fault";

    public static void Mark(HttpContext http, StripeApiException error) => http.Items[Key] = error;

    public static StripeApiException? Of(HttpContext http) =>
        http.Items.TryGetValue(Key, out var error) ? (StripeApiException)error! : null;
}
