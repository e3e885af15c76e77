using Credits.Gateway.Authentication;
using Credits.Gateway.Console;
using Credits.Persistence;
using Credits.Persistence.Operators;
using Credits.Persistence.Webhooks;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.WebhookEndpoints;

/// <summary>
/// Outgoing webhooks (docs/webhooks.md): apps register endpoints for event types of the catalog, get the signing secret
/// once, rotate it with an overlap, disable and enable, list deliveries and replay one (same event id, due now).
/// Writes need the admin scope, lists the read scope. Deliveries are written and posted by the Orchestrator.
/// </summary>
public static class WebhookEndpointsApi
{
    public record CreateWebhookEndpoint(string? Url, List<string>? EventTypes, string? Description = null);

    public static RouteGroupBuilder MapWebhookEndpointsApiV1(this RouteGroupBuilder v1)
    {
        var endpoints = v1.MapGroup("/webhook-endpoints").WithTags("Webhooks");
        endpoints.MapPost("/", Create).RequireScope(ApiScopes.Admin)
            .WithSummary("Register an endpoint for event types of the catalog; the answer shows its signing secret, once")
            .Produces<WebhookEndpointWithSecret>(StatusCodes.Status201Created).ProducesValidationProblem();
        endpoints.MapGet("/", List).RequireScope(ApiScopes.Read)
            .WithSummary("The registered endpoints (never their secrets)").Produces<List<WebhookEndpointView>>();
        endpoints.MapGet("/{endpointId:guid}", Get).RequireScope(ApiScopes.Read)
            .WithSummary("One endpoint (never its secret)").Produces<WebhookEndpointView>().ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapDelete("/{endpointId:guid}", Delete).RequireScope(ApiScopes.Admin)
            .WithSummary("Delete the endpoint with its deliveries: nothing more is sent to it (a post already in flight may still arrive)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{endpointId:guid}/disable", (Guid endpointId, CreditsDbContext db, CancellationToken ct) => SetEnabled(endpointId, false, db, ct))
            .RequireScope(ApiScopes.Admin).WithSummary("Stop delivering to the endpoint: no new deliveries; pending ones wait")
            .Produces<WebhookEndpointView>().ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{endpointId:guid}/enable", (Guid endpointId, CreditsDbContext db, CancellationToken ct) => SetEnabled(endpointId, true, db, ct))
            .RequireScope(ApiScopes.Admin).WithSummary("Deliver to the endpoint again")
            .Produces<WebhookEndpointView>().ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{endpointId:guid}/rotate-secret", Rotate).RequireScope(ApiScopes.Admin)
            .WithSummary("A new signing secret, shown once; the old one also signs until the overlap ends (Webhooks:Endpoints:RotationOverlap)")
            .Produces<WebhookEndpointWithSecret>().ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/{endpointId:guid}/deliveries", Deliveries).RequireScope(ApiScopes.Read)
            .WithSummary("The endpoint's deliveries, newest first; ?status=pending|delivered|failed&limit= (at most 200)")
            .Produces<List<WebhookDeliveryView>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        v1.MapPost("/webhook-deliveries/{deliveryId:guid}/replay", Replay).WithTags("Webhooks").RequireScope(ApiScopes.Admin)
            .WithSummary("Send a delivery again, now, with the same event id and payload; its retry window starts again")
            .Produces<WebhookDeliveryView>().ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    static async Task<Results<Created<WebhookEndpointWithSecret>, ValidationProblem>> Create(CreateWebhookEndpoint request,
        CreditsDbContext db, IOptions<WebhookEndpointOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (WebhookUrls.Refusal(request.Url, options.Value.AllowHttp) is { } urlRefusal) errors["url"] = [urlRefusal];
        var types = request.EventTypes?.Select(t => t?.Trim() ?? "").Distinct().ToList() ?? [];
        if (types.Count == 0) errors["eventTypes"] = ["eventTypes needs at least one event type: " + string.Join(", ", WebhookEventTypes.All)];
        else if (types.Where(t => !WebhookEventTypes.IsKnown(t)).ToList() is { Count: > 0 } unknown)
            errors["eventTypes"] = [$"unknown event types: {string.Join(", ", unknown)}; the catalog: {string.Join(", ", WebhookEventTypes.All)}"];
        if (request.Description is { Length: > 500 }) errors["description"] = ["description is longer than 500 characters"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid webhook endpoint");

        var endpoint = new WebhookEndpoint
        {
            Id = NewId.NextGuid(), Url = request.Url!, EventTypes = types, Description = request.Description ?? "",
            Secret = WebhookSecrets.New(), Enabled = true, CreatedAt = clock.GetUtcNow(),
        };
        db.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/v1/webhook-endpoints/{endpoint.Id}", new WebhookEndpointWithSecret(WebhookEndpointView.Of(endpoint), endpoint.Secret));
    }

    static async Task<Ok<List<WebhookEndpointView>>> List(CreditsDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Set<WebhookEndpoint>().AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(ct)).Select(WebhookEndpointView.Of).ToList());

    static async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> Get(Guid endpointId, CreditsDbContext db, CancellationToken ct) =>
        await db.Set<WebhookEndpoint>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == endpointId, ct) is { } endpoint
            ? TypedResults.Ok(WebhookEndpointView.Of(endpoint))
            : NotFound(endpointId);

    // The deliveries go with it (a cascading key): an endpoint that is gone has no history to list or replay. The
    // worker's update of a delivery it was posting then matches no row, which is harmless.
    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid endpointId, CreditsDbContext db, CancellationToken ct) =>
        await db.Set<WebhookEndpoint>().Where(e => e.Id == endpointId).ExecuteDeleteAsync(ct) == 0 ? NotFound(endpointId) : TypedResults.NoContent();

    static async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> SetEnabled(Guid endpointId, bool enabled, CreditsDbContext db, CancellationToken ct)
    {
        if (await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == endpointId, ct) is not { } endpoint) return NotFound(endpointId);
        endpoint.Enabled = enabled;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookEndpointView.Of(endpoint));
    }

    static async Task<Results<Ok<WebhookEndpointWithSecret>, ProblemHttpResult>> Rotate(Guid endpointId, CreditsDbContext db,
        IOptions<WebhookEndpointOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == endpointId, ct) is not { } endpoint) return NotFound(endpointId);
        // One previous secret at a time: rotating again within the overlap retires the oldest at once.
        endpoint.PreviousSecret = endpoint.Secret;
        endpoint.PreviousSecretExpiresAt = clock.GetUtcNow() + options.Value.RotationOverlap;
        endpoint.Secret = WebhookSecrets.New();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new WebhookEndpointWithSecret(WebhookEndpointView.Of(endpoint), endpoint.Secret));
    }

    static async Task<Results<Ok<List<WebhookDeliveryView>>, ProblemHttpResult, ValidationProblem>> Deliveries(Guid endpointId,
        string? status, int? limit, CreditsDbContext db, CancellationToken ct)
    {
        if (DeliveryListRefusal(status, limit) is { } refusal) return refusal;
        if (!await db.Set<WebhookEndpoint>().AnyAsync(e => e.Id == endpointId, ct)) return NotFound(endpointId);
        return TypedResults.Ok(await ListDeliveriesAsync(db.Set<WebhookDelivery>().Where(d => d.EndpointId == endpointId), status, limit, ct));
    }

    /// <summary>What both delivery lists (an endpoint's, and the console's over all) refuse.</summary>
    static ValidationProblem? DeliveryListRefusal(string? status, int? limit)
    {
        if (status is not null and not (WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Delivered or WebhookDeliveryStatus.Failed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status is pending, delivered or failed"] });
        if (limit is < 1 or > 200)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit is between 1 and 200"] });
        return null;
    }

    /// <summary>Deliveries newest first, of a status when given, at most limit (50 by default).</summary>
    static async Task<List<WebhookDeliveryView>> ListDeliveriesAsync(IQueryable<WebhookDelivery> deliveries, string? status, int? limit,
        CancellationToken ct)
    {
        if (status is not null) deliveries = deliveries.Where(d => d.Status == status);
        var page = await deliveries.AsNoTracking().OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(limit ?? 50).ToListAsync(ct);
        return page.Select(WebhookDeliveryView.Of).ToList();
    }

    static async Task<Results<Ok<WebhookDeliveryView>, ProblemHttpResult>> Replay(Guid deliveryId, CreditsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<WebhookDelivery>().SingleOrDefaultAsync(d => d.Id == deliveryId, ct) is not { } delivery) return UnknownDelivery(deliveryId);
        MakeDue(delivery, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookDeliveryView.Of(delivery));
    }

    /// <summary>Due now, with its retry window started again; the same event id and payload.</summary>
    static void MakeDue(WebhookDelivery delivery, DateTimeOffset now)
    {
        delivery.Status = WebhookDeliveryStatus.Pending;
        delivery.NextAttemptAt = now;
        delivery.RetryingSince = now;
    }

    /// <summary>The customer the event is about (its data.customerId), so the operator log shows it under the customer.</summary>
    static string? CustomerOf(string payload)
    {
        using var document = System.Text.Json.JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object &&
               data.TryGetProperty("customerId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
            ? id.GetString()
            : null;
    }

    static ProblemHttpResult UnknownDelivery(Guid deliveryId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown webhook delivery", detail: $"No delivery {deliveryId}.");

    public record ConsoleReplay(string? Operator, string? Reason);

    /// <summary>
    /// An operator's replay: the same as the app's, and recorded with who and why in the operator log, in the same
    /// transaction, as every other console action is.
    /// </summary>
    static async Task<Results<Ok<WebhookDeliveryView>, ProblemHttpResult>> ReplayByOperator(Guid deliveryId, ConsoleReplay? request,
        System.Security.Claims.ClaimsPrincipal user, CreditsDbContext db, OperatorActionLog log, TimeProvider clock, CancellationToken ct)
    {
        if (OperatorFields.Check(request?.Operator, request?.Reason) is { } invalid) return invalid;
        if (await db.Set<WebhookDelivery>().SingleOrDefaultAsync(d => d.Id == deliveryId, ct) is not { } delivery) return UnknownDelivery(deliveryId);
        var customerId = CustomerOf(delivery.Payload);
        MakeDue(delivery, clock.GetUtcNow());
        log.Add(OperatorFields.Actor(request!.Operator!, user), OperatorActionKinds.ReplayWebhookDelivery, request.Reason!.Trim(), customerId,
            $"webhook-delivery/{deliveryId}", new { deliveryId, delivery.EndpointId, delivery.EventId, delivery.EventType, delivery.Attempts });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookDeliveryView.Of(delivery));
    }

    /// <summary>
    /// The operator console's view (/console/api, operator scope): deliveries over all endpoints, newest first, e.g. the
    /// failed ones, and the same replay as the app's.
    /// </summary>
    public static RouteGroupBuilder MapWebhookDeliveriesConsoleApi(this RouteGroupBuilder console)
    {
        var deliveries = console.MapGroup("/webhook-deliveries").RequireScope(ApiScopes.Operator);
        deliveries.MapGet("/", AllDeliveries).WithSummary("Webhook deliveries over all endpoints, newest first; ?status=pending|delivered|failed&limit=")
            .ProducesValidationProblem();
        deliveries.MapPost("/{deliveryId:guid}/replay", ReplayByOperator)
            .WithSummary("Send a webhook delivery again, now, with the same event id; { operator, reason } go to the operator log")
            .Produces<WebhookDeliveryView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return console;
    }

    static async Task<Results<Ok<List<WebhookDeliveryView>>, ValidationProblem>> AllDeliveries(string? status, int? limit, CreditsDbContext db, CancellationToken ct) =>
        DeliveryListRefusal(status, limit) is { } refusal ? refusal : TypedResults.Ok(await ListDeliveriesAsync(db.Set<WebhookDelivery>(), status, limit, ct));

    static ProblemHttpResult NotFound(Guid endpointId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown webhook endpoint", detail: $"No endpoint {endpointId}.");
}
