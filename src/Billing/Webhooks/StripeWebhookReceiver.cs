using System.Text;
using Credits.Billing.Storage;
using Credits.Messaging;
using global::Stripe;
using MassTransit;
using Event = global::Stripe.Event;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credits.Billing.Webhooks;

/// <summary>
/// POST /webhooks/stripe. Reads at most Stripe:WebhookMaxBodyBytes (413 beyond, unparsed), verifies the signature
/// on the raw body (400 with one generic answer for every failure, see <see cref="WebhookRejections"/>); then, in one
/// transaction, records the event id (unique for good), moves the object's watermark and writes the translated message,
/// naming the app's customer (<see cref="CustomerNaming"/>), to the bus outbox. 200 only after that commit; a repeated
/// delivery finds its id and is acknowledged.
/// </summary>
public static class StripeWebhookReceiver
{
    public static async Task<IResult> ReceiveAsync<TDbContext>(HttpContext http, TDbContext db, IPublishEndpoint publish,
        IOptions<StripeOptions> options, TimeProvider clock, WebhookRejections rejections, ILoggerFactory loggers)
        where TDbContext : DbContext
    {
        var logger = loggers.CreateLogger(typeof(StripeWebhookReceiver));
        var ct = http.RequestAborted;
        var max = options.Value.WebhookMaxBodyBytes;
        if (await ReadBoundedAsync(http.Request, max, ct) is not { } json)
        {
            rejections.Record("oversize", $"body over {max} bytes");
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Webhook body too large",
                detail: $"A Stripe webhook body is at most {max} bytes.");
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, http.Request.Headers["Stripe-Signature"].ToString(),
                options.Value.WebhookSecret, options.Value.WebhookToleranceSeconds, throwOnApiVersionMismatch: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The reason (no header, wrong secret, too old, edited, not JSON) is ours to know: a forger learns nothing from the answer.
            rejections.Record(e is StripeException ? "signature" : "malformed", e.Message);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid Stripe webhook",
                detail: "The request is not a valid Stripe event for this endpoint.");
        }

        var translated = StripeEventTranslator.Translate(stripeEvent);
        var outcome = await RecordAsync(db, publish, stripeEvent, translated, clock.GetUtcNow(), ct);
        if (outcome == WebhookOutcome.Ignored)
            logger.LogInformation("Stripe event {EventId} of type {Type} acknowledged; Credits does not handle it", stripeEvent.Id, stripeEvent.Type);
        else
            logger.LogInformation("Stripe event {EventId} ({Type}, {ObjectId}): {Outcome}", stripeEvent.Id, stripeEvent.Type, translated.ObjectId, outcome);
        return Results.Ok(new { received = stripeEvent.Id, outcome = Name(outcome) });
    }

    /// <summary>
    /// The body as text, or null when it is longer than <paramref name="max"/> bytes: a declared Content-Length over the
    /// bound is refused unread, and a chunked body is read only until it passes the bound.
    /// </summary>
    static async Task<string?> ReadBoundedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max) return null;
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > max) return null;
            body.Write(buffer, 0, read);
        }
        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    static async Task<WebhookOutcome> RecordAsync(DbContext db, IPublishEndpoint publish, Event stripeEvent, TranslatedEvent translated,
        DateTimeOffset now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var outcome = await StoreAsync(db, stripeEvent, translated, now, ct);
            if (outcome == WebhookOutcome.Duplicate) return outcome;
            if (outcome == WebhookOutcome.Published && await CustomerNaming.NameCustomerAsync(db, translated.Message!, ct) is { } message)
                await publish.Publish(message, message.GetType(), ct);
            await db.SaveAndCommitAsync(transaction, ct); // the bus outbox rows
            return outcome;
        });
    }

    /// <summary>
    /// Records the event id with its outcome and, for an event about an object, moves that object's watermark, in one
    /// statement: a webhook's transaction is this round trip and its commit (with the bus outbox rows), so the object's
    /// row lock, which orders the events of one subscription, is held for no more than that.
    /// A repeated delivery inserts nothing and leaves the watermark as it is.
    /// </summary>
    static async Task<WebhookOutcome> StoreAsync(DbContext db, Event stripeEvent, TranslatedEvent translated, DateTimeOffset now,
        CancellationToken ct)
    {
        var stored = translated.Message is null || translated.ObjectId is null
            ? await InsertAsync(db, stripeEvent, translated, translated.Message is null ? WebhookOutcome.Ignored : WebhookOutcome.Published, now, ct)
            : await InsertAdvancingWatermarkAsync(db, stripeEvent, translated.ObjectId, translated.Created, now, ct);
        return stored is null ? WebhookOutcome.Duplicate : Enum.Parse<WebhookOutcome>(stored, ignoreCase: true);
    }

    /// <summary>An outcome as <c>stripe_webhook_events</c> stores it and the endpoint answers it.</summary>
    static string Name(WebhookOutcome outcome) => outcome.ToString().ToLowerInvariant();

    /// <summary>The event id with an outcome known beforehand; null when the id was recorded before.</summary>
    static async Task<string?> InsertAsync(DbContext db, Event stripeEvent, TranslatedEvent translated, WebhookOutcome outcome,
        DateTimeOffset now, CancellationToken ct)
    {
        // Plain commands, not EF's SqlQuery: they run for every webhook (PlainCommands says why).
        await using var command = db.PlainCommand("""
            INSERT INTO stripe_webhook_events (event_id, type, object_id, event_created, received_at, outcome)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING outcome
            """).With(stripeEvent.Id).With(stripeEvent.Type).With(translated.ObjectId).With(translated.Created).With(now).With(Name(outcome));
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// Moves the object's "last applied" time forward unless this event is older (then its outcome is stale), and records
    /// the event id with that outcome; null when the id was recorded before. Events created in the same second cannot
    /// be ordered by Stripe's timestamps and are both applied. Only an id not yet recorded touches the watermark, so a
    /// repeated delivery takes no lock on the object's row (its transaction is rolled back anyway). Two deliveries of a
    /// new event at once both pass that check: the second waits for the first's row lock and then its key, writes the
    /// same watermark again and inserts nothing.
    /// </summary>
    static async Task<string?> InsertAdvancingWatermarkAsync(DbContext db, Event stripeEvent, string objectId, DateTimeOffset created,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.PlainCommand("""
            WITH advanced AS (
              INSERT INTO stripe_object_versions (object_id, last_event_created, last_event_id, updated_at)
              SELECT $3, $4, $1, $5
              WHERE NOT EXISTS (SELECT 1 FROM stripe_webhook_events WHERE event_id = $1)
              ON CONFLICT (object_id) DO UPDATE
                SET last_event_created = excluded.last_event_created, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at
                WHERE stripe_object_versions.last_event_created <= excluded.last_event_created
              RETURNING 1)
            INSERT INTO stripe_webhook_events (event_id, type, object_id, event_created, received_at, outcome)
            VALUES ($1, $2, $3, $4, $5, CASE WHEN EXISTS (SELECT 1 FROM advanced) THEN $6 ELSE $7 END)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING outcome
            """).With(stripeEvent.Id).With(stripeEvent.Type).With(objectId).With(created).With(now)
            .With(Name(WebhookOutcome.Published)).With(Name(WebhookOutcome.Stale));
        return (string?)await command.ExecuteScalarAsync(ct);
    }
}

/// <summary>What became of a verified Stripe event.</summary>
public enum WebhookOutcome
{
    /// <summary>Translated and published (through the outbox).</summary>
    Published,
    /// <summary>Older than an event already applied for the same object: acknowledged, not published.</summary>
    Stale,
    /// <summary>A type Credits does not handle: acknowledged and logged.</summary>
    Ignored,
    /// <summary>Delivered before: acknowledged, nothing done.</summary>
    Duplicate,
}
