using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Resources;

/// <summary>Read access to <c>charge</c>s made by payment intents.</summary>
public static class Charges
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/v1/charges/{id}", Api.Handle(c => c.Store.Get("charge", c.Route("id"), "charge")));
        api.MapGet("/v1/charges", Api.Handle(c =>
            Lists.Page(c.Store.All("charge").Where(c.Params, "customer", "payment_intent"), c.Params, "/v1/charges")));
    }
}
