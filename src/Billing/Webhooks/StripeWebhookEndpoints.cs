using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Webhooks;

public static class StripeWebhookEndpoints
{
    public const string Path = "/webhooks/stripe";

    /// <summary>
    /// Maps POST /webhooks/stripe. <typeparamref name="TDbContext"/> must map the webhook tables
    /// (<c>modelBuilder.AddStripeWebhookEvents()</c> or <c>AddStripeBilling()</c>) and the outbox
    /// (<c>AddTransactionalOutbox()</c>), and the bus must use <c>AddPostgresOutbox&lt;TDbContext&gt;(o => o.UseBusOutbox())</c>.
    /// Anonymous: Stripe authenticates with its signature, not an API key.
    /// </summary>
    public static RouteHandlerBuilder MapStripeWebhooks<TDbContext>(this IEndpointRouteBuilder app, string path = Path)
        where TDbContext : DbContext =>
        app.MapPost(path, StripeWebhookReceiver.ReceiveAsync<TDbContext>)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("StripeWebhook")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
}
