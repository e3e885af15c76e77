using System.Net;
using System.Text.Json.Nodes;
using Credits.StripeEmulator.Billing;
using Credits.StripeEmulator.Http;

namespace Credits.StripeEmulator.Control;

/// <summary>
/// The hosted checkout page a person opens from a session's <c>url</c>: in payment mode Pay (optionally ticking
/// "save my card" when the session offers it), in setup mode Save card; or try a declining card, which leaves the
/// session open with the decline shown, as Stripe's page does.
/// </summary>
public static class CheckoutPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/checkout/{id}", (HttpContext http, string id) => Render(http, id, null));
        app.MapPost("/checkout/{id}/pay", async (HttpContext http, string id) => Submit(http, id, "pm_card_visa", await SaveTickedAsync(http)));
        app.MapPost("/checkout/{id}/decline", async (HttpContext http, string id) => Submit(http, id, "pm_card_chargeDeclined", await SaveTickedAsync(http)));
    }

    private static async Task<bool> SaveTickedAsync(HttpContext http) =>
        http.Request.HasFormContentType && (await http.Request.ReadFormAsync())["save"] == "on";

    private static IResult Submit(HttpContext http, string id, string card, bool save)
    {
        try
        {
            var session = WorldAccess.Change(http, w => CheckoutFlow.Pay(w, w.Store.Get("checkout.session", id, "checkout session"), card, save));
            if ((string?)session["status"] == "complete" && (string?)session["success_url"] is { } success)
                return Results.Redirect(success.Replace("{CHECKOUT_SESSION_ID}", id), permanent: false, preserveMethod: false);
            return Render(http, id, (string)session["status"]! == "complete" ? "Done." : "Your card was declined.");
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
        var setup = (string?)session["mode"] == "setup";
        var status = (string)session["status"]!;
        var cancel = (string?)session["cancel_url"];
        var e = (string s) => WebUtility.HtmlEncode(s);
        var title = setup
            ? "Save a card for future payments"
            : $"Pay {(long)session["amount_total"]! / 100m:0.00} {e(((string)session["currency"]!).ToUpperInvariant())}";
        var saveBox = (string?)session["saved_payment_method_options"]?["payment_method_save"] == "enabled"
            ? "<p><label><input type=\"checkbox\" name=\"save\" id=\"save\"> Save my payment information for future purchases</label></p>"
            : "";
        // Stripe shows a notice when the card is saved for later payments (setup mode, setup_future_usage).
        var notice = setup || WorldAccess.Change(http, w => w.Store.CheckoutIntentData.GetValueOrDefault(id)?["setup_future_usage"] is not null)
            ? "<p id=\"reuse-notice\">By continuing, you allow the seller to charge your card for future payments in accordance with their terms.</p>"
            : "";
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Checkout (Stripe emulator)</title>
            <style>body{"{"}font-family:sans-serif;max-width:28rem;margin:3rem auto{"}"} button{"{"}font-size:1rem;margin:.3rem;padding:.5rem 1rem{"}"}</style></head>
            <body><h1>{title}</h1>
            <p>Session <code>{e(id)}</code> is <strong id="status">{status}</strong>.</p>
            {(message is null ? "" : $"<p id=\"message\">{e(message)}</p>")}
            {(status != "open" ? "" : $"""
                <form method="post" action="/checkout/{e(id)}/pay">{saveBox}{notice}<button id="pay">{(setup ? "Save card" : "Pay")} with 4242 4242 4242 4242</button></form>
                <form method="post" action="/checkout/{e(id)}/decline"><button id="decline">{(setup ? "Save" : "Pay")} with a declining card (…0002)</button></form>
                """)}
            {(cancel is null ? "" : $"<p><a href=\"{e(cancel)}\">Cancel</a></p>")}
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
