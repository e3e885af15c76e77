using System.Text.Json;
using Credits.Contracts.Billing;
using Credits.Contracts.Customers;
using Credits.Contracts.Ledger;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Persistence.Webhooks;

namespace Credits.Orchestrator.Webhooks;

/// <summary>
/// What each bus event says to an app, in the payload version <see cref="WebhookEventTypes.ApiVersion"/>:
/// <c>{ id, type, apiVersion, createdAt, data }</c>. Only what an app needs about its customers: no Stripe keys, no
/// secrets, no internal ledger keys. A field renamed or removed here is a new ApiVersion (docs/webhooks.md).
/// </summary>
public static class WebhookPayloads
{
    public sealed record Event(string Type, object Data);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(string eventId, Event webhookEvent, DateTimeOffset createdAt) =>
        JsonSerializer.Serialize(new
        {
            id = eventId,
            type = webhookEvent.Type,
            apiVersion = WebhookEventTypes.ApiVersion,
            createdAt,
            data = webhookEvent.Data,
        }, Json);

    public static Event For(CreditBalanceLow m) => new(WebhookEventTypes.CreditsLow,
        new { customerId = m.CustomerId, planId = m.PlanId, threshold = m.Threshold, available = m.Available, occurredAt = m.OccurredAt });

    public static Event For(CreditsExhausted m) => new(WebhookEventTypes.CreditsExhausted,
        new { customerId = m.CustomerId, planId = m.PlanId, overageAllowed = m.OverageAllowed, occurredAt = m.OccurredAt });

    public static Event For(CreditsExpiring m) => new(WebhookEventTypes.CreditsExpiring,
        new { customerId = m.CustomerId, grantId = m.GrantId, source = m.Source, credits = m.Credits, expiresAt = m.ExpiresAt, occurredAt = m.OccurredAt });

    public static Event For(PlanChanged m) => new(WebhookEventTypes.PlanChangeCompleted,
        new { operationId = m.OperationId, customerId = m.CustomerId, fromPlanId = m.FromPlanId, toPlanId = m.ToPlanId, creditsGranted = m.CreditsGranted, effectiveAt = m.EffectiveAt });

    public static Event For(PlanChangeFailed m) => new(WebhookEventTypes.PlanChangeFailed,
        new { operationId = m.OperationId, customerId = m.CustomerId, fromPlanId = m.FromPlanId, toPlanId = m.ToPlanId, reason = m.Reason });

    public static Event For(CreditsPurchased m) => new(WebhookEventTypes.PurchaseCompleted,
        new { purchaseId = m.PurchaseId, customerId = m.CustomerId, credits = m.Credits });

    public static Event For(UnspentCreditsReversed m) => new(WebhookEventTypes.PurchaseRefunded,
        new { purchaseId = m.PurchaseId, customerId = m.CustomerId, amount = m.Amount, amountRefunded = m.AmountRefunded, creditsReversed = m.CreditsReversed });

    public static Event For(SubscriptionPastDue m) => new(WebhookEventTypes.SubscriptionPastDue,
        new { customerId = m.CustomerId, invoiceId = m.InvoiceId, amountDue = m.AmountDue, currency = m.Currency, hostedInvoiceUrl = m.HostedInvoiceUrl, attemptCount = m.AttemptCount });

    public static Event For(SubscriptionCanceled m) => new(WebhookEventTypes.SubscriptionCanceled,
        new { operationId = m.OperationId, customerId = m.CustomerId, planId = m.PlanId, mode = m.Mode, reason = m.Reason, allowanceLapsed = m.AllowanceLapsed, endedAt = m.EndedAt });

    public static Event For(AuditDifferenceFound m) => new(WebhookEventTypes.AuditDifference,
        new { differenceId = m.DifferenceId, kind = m.Kind, subject = m.Subject, customerId = m.CustomerId, expected = m.Expected, actual = m.Actual, status = m.Status, repair = m.Repair, foundAt = m.FoundAt });

    public static Event For(SpendCapAlert m) => new(WebhookEventTypes.SpendCapAlert,
        new { customerId = m.CustomerId, planId = m.PlanId, percent = m.Percent, overageCap = m.OverageCap, overageThisPeriod = m.OverageThisPeriod, periodStart = m.PeriodStart, occurredAt = m.OccurredAt });

    public static Event For(SpendCapReached m) => new(WebhookEventTypes.SpendCapReached,
        new { customerId = m.CustomerId, planId = m.PlanId, overageCap = m.OverageCap, overageThisPeriod = m.OverageThisPeriod, periodStart = m.PeriodStart, periodEnd = m.PeriodEnd, occurredAt = m.OccurredAt });
}
