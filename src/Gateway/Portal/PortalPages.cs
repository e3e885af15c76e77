using Microsoft.Extensions.FileProviders;

namespace Credits.Gateway.Portal;

/// <summary>
/// The static pages (src/Gateway/wwwroot, copied next to the binaries: no front-end build step). Every
/// response forbids inline script, framing and referrers: the portal's URL carries its token, and a
/// Referer header would hand it to the next site (the checkout page).
/// </summary>
public static class PortalPages
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication MapPortalPages(this WebApplication app)
    {
        var root = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = root,
            RequestPath = "/assets",
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        app.MapGet("/portal", (HttpContext http) => Page(http, root, "portal.html")).ExcludeFromDescription();
        // Where Stripe Checkout sends the customer back (Checkout:SuccessUrl / CancelUrl of the Orchestrator): the
        // portal again, which finds its token in the tab's session storage and says how the payment went.
        app.MapGet("/portal/checkout-complete", (HttpContext http) => Page(http, root, "portal.html")).ExcludeFromDescription();
        app.MapGet("/portal/checkout-cancelled", (HttpContext http) => Page(http, root, "portal.html")).ExcludeFromDescription();
        app.MapGet("/console", (HttpContext http) => Page(http, root, "console.html")).ExcludeFromDescription();
        return app;
    }

    static IResult Page(HttpContext http, IFileProvider root, string name)
    {
        Secure(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        var file = root.GetFileInfo(name);
        return file.Exists && file.PhysicalPath is { } path
            ? Results.File(path, "text/html; charset=utf-8")
            : Results.Problem(statusCode: 404, title: "Page missing", detail: $"{name} is not deployed next to the Gateway.");
    }

    static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
    }
}
