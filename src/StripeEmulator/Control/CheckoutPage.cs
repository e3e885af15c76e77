using System.Net;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Control;

/// <summary>The hosted checkout page a person opens from a session's <c>url</c>: Pay or Decline with a test card.</summary>
public static class CheckoutPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/checkout/{id}", (HttpContext http, string id) => Render(http, id, null));
        app.MapPost("/checkout/{id}/pay", (HttpContext http, string id) => Submit(http, id, "pm_card_visa"));
        app.MapPost("/checkout/{id}/decline", (HttpContext http, string id) => Submit(http, id, "pm_card_chargeDeclined"));
    }

    private static IResult Submit(HttpContext http, string id, string card)
    {
        try
        {
            var session = WorldAccess.Change(http, w => CheckoutFlow.Pay(w, w.Store.Get("checkout.session", id, "checkout session"), card));
            if ((string?)session["status"] == "complete" && (string?)session["success_url"] is { } success)
                return Results.Redirect(success.Replace("{CHECKOUT_SESSION_ID}", id), permanent: false, preserveMethod: false);
            return Render(http, id, (string)session["status"]! == "complete" ? "Payment succeeded." : "Your card was declined.");
        }
        catch (StripeApiException e)
        {
            return Render(http, id, e.Message);
        }
    }

    private static IResult Render(HttpContext http, string id, string? message)
    {
        JsonObject? session;
        try { session = WorldAccess.Change(http, w => (JsonObject)w.Store.Get("checkout.session", id, "checkout session").DeepClone()); }
        catch (StripeApiException) { return Results.NotFound("No such checkout session."); }
        var amount = (long)session["amount_total"]! / 100m;
        var currency = ((string)session["currency"]!).ToUpperInvariant();
        var status = (string)session["status"]!;
        var cancel = (string?)session["cancel_url"];
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Checkout (Stripe emulator)</title>
            <style>body{"{"}font-family:sans-serif;max-width:28rem;margin:3rem auto{"}"} button{"{"}font-size:1rem;margin:.3rem;padding:.5rem 1rem{"}"}</style></head>
            <body><h1>Pay {amount:0.00} {WebUtility.HtmlEncode(currency)}</h1>
            <p>Session <code>{WebUtility.HtmlEncode(id)}</code> is <strong id="status">{status}</strong>.</p>
            {(message is null ? "" : $"<p id=\"message\">{WebUtility.HtmlEncode(message)}</p>")}
            {(status != "open" ? "" : $"""
                <form method="post" action="/checkout/{WebUtility.HtmlEncode(id)}/pay"><button id="pay">Pay with 4242 4242 4242 4242</button></form>
                <form method="post" action="/checkout/{WebUtility.HtmlEncode(id)}/decline"><button id="decline">Pay with a declining card (…0002)</button></form>
                """)}
            {(cancel is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(cancel)}\">Cancel</a></p>")}
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
