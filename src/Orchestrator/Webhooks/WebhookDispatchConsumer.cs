using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.Ledger;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Persistence;
using Credits.Persistence.Webhooks;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Orchestrator.Webhooks;

/// <summary>
/// Turns the bus events of the webhook catalog into one webhook_deliveries row per enabled endpoint subscribed to the
/// event's type. It runs inside the PostgreSQL inbox/outbox like every consumer: the rows commit with the consumption of
/// the event, which itself committed (outbox) with the change that caused it. So no change is without its deliveries,
/// and a redelivered event writes nothing twice (the inbox; behind it the unique endpoint + event id).
/// No HTTP here: <see cref="WebhookDeliveryWorker"/> posts the rows on its own, so a slow receiver slows nothing else.
/// </summary>
public sealed class WebhookDispatchConsumer(CreditsDbContext db, TimeProvider clock) :
    IConsumer<CreditBalanceLow>, IConsumer<CreditsExhausted>, IConsumer<CreditsExpiring>,
    IConsumer<PlanChanged>, IConsumer<PlanChangeFailed>,
    IConsumer<CreditsPurchased>, IConsumer<UnspentCreditsReversed>,
    IConsumer<SubscriptionPastDue>, IConsumer<SubscriptionCanceled>,
    IConsumer<AuditDifferenceFound>,
    IConsumer<SpendCapAlert>, IConsumer<SpendCapReached>
{
    public Task Consume(ConsumeContext<CreditBalanceLow> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<CreditsExhausted> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<CreditsExpiring> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<PlanChanged> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<PlanChangeFailed> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<CreditsPurchased> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<UnspentCreditsReversed> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<SubscriptionPastDue> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<SubscriptionCanceled> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<AuditDifferenceFound> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<SpendCapAlert> context) => Dispatch(context, WebhookPayloads.For(context.Message));
    public Task Consume(ConsumeContext<SpendCapReached> context) => Dispatch(context, WebhookPayloads.For(context.Message));

    async Task Dispatch(ConsumeContext context, WebhookPayloads.Event webhookEvent)
    {
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking()
            .Where(e => e.Enabled && e.EventTypes.Contains(webhookEvent.Type))
            .Select(e => e.Id)
            .ToListAsync(context.CancellationToken);
        if (endpoints.Count == 0) return;

        // The message id is the event's identity: the same on a redelivery, so the same evt_ id on every path.
        var messageId = context.MessageId ?? throw new InvalidOperationException("A webhook event needs a MessageId.");
        var eventId = "evt_" + messageId.ToString("N");
        var now = clock.GetUtcNow();
        var payload = WebhookPayloads.Serialize(eventId, webhookEvent, now);
        foreach (var endpointId in endpoints)
            db.Add(new WebhookDelivery
            {
                Id = NewId.NextGuid(), EndpointId = endpointId, EventId = eventId, EventType = webhookEvent.Type,
                ApiVersion = WebhookEventTypes.ApiVersion, Payload = payload, Status = WebhookDeliveryStatus.Pending,
                NextAttemptAt = now, RetryingSince = now, CreatedAt = now,
            });
        // Saved and committed by the outbox filter, with the inbox row.
    }
}
