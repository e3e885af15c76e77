using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Http;

/// <summary>Every response carries <c>Request-Id</c>, which Stripe.net exposes as <c>StripeResponse.RequestId</c>.</summary>
public static class RequestId
{
    public static string Of(HttpContext http)
    {
        if (http.Items.TryGetValue("stripe.request_id", out var id)) return (string)id!;
        var created = Ids.New("req");
        http.Items["stripe.request_id"] = created;
        return created;
    }
}
