/**
 * The outgoing webhook events of apiVersion 2026-12-01 (docs/webhooks.md, src/Orchestrator/Webhooks/WebhookPayloads.cs).
 * Written by hand: the OpenAPI document describes the API, not the webhooks. Within an apiVersion fields may be added,
 * never renamed or removed. Amounts are in the currency's minor units; times are ISO 8601 strings.
 */

export interface WebhookEnvelope<TType extends string, TData> {
  /** evt_…; the same on a retry or a replay: deduplicate on it. */
  id: string;
  type: TType;
  apiVersion: string;
  createdAt: string;
  data: TData;
}

export type CreditsLowEvent = WebhookEnvelope<"credits.low", { customerId: string; planId: string; threshold: number; available: number; occurredAt: string }>;
export type CreditsExhaustedEvent = WebhookEnvelope<"credits.exhausted", { customerId: string; planId: string; overageAllowed: boolean; occurredAt: string }>;
export type CreditsExpiringEvent = WebhookEnvelope<"credits.expiring",
  { customerId: string; grantId: string; source: string; credits: number; expiresAt: string; occurredAt: string }>;
export type PlanChangeCompletedEvent = WebhookEnvelope<"plan_change.completed",
  { operationId: string; customerId: string; fromPlanId: string; toPlanId: string; creditsGranted: number; effectiveAt: string }>;
export type PlanChangeFailedEvent = WebhookEnvelope<"plan_change.failed",
  { operationId: string; customerId: string; fromPlanId: string; toPlanId: string; reason: string }>;
export type PurchaseCompletedEvent = WebhookEnvelope<"purchase.completed", { purchaseId: string; customerId: string; credits: number }>;
export type PurchaseRefundedEvent = WebhookEnvelope<"purchase.refunded",
  { purchaseId: string; customerId: string; amount: number; amountRefunded: number; creditsReversed: number }>;
export type SubscriptionPastDueEvent = WebhookEnvelope<"subscription.past_due",
  { customerId: string; invoiceId: string; amountDue: number; currency: string; hostedInvoiceUrl: string | null; attemptCount: number }>;
export type SubscriptionCanceledEvent = WebhookEnvelope<"subscription.canceled",
  { operationId: string; customerId: string; planId: string; mode: string; reason: string | null; allowanceLapsed: number; endedAt: string }>;
export type AuditDifferenceEvent = WebhookEnvelope<"audit.difference", {
  differenceId: string; kind: string; subject: string; customerId: string; expected: string; actual: string; status: string;
  repair: string | null; foundAt: string;
}>;

export type SpendCapAlertEvent = WebhookEnvelope<"spend_cap.alert", {
  customerId: string; planId: string; percent: number; overageCap: number; overageThisPeriod: number; periodStart: string; occurredAt: string;
}>;
export type SpendCapReachedEvent = WebhookEnvelope<"spend_cap.reached", {
  customerId: string; planId: string; overageCap: number; overageThisPeriod: number; periodStart: string; periodEnd: string; occurredAt: string;
}>;

/** Every event Credits sends; narrow it with `switch (event.type)`. */
export type CreditsWebhookEvent =
  | CreditsLowEvent | CreditsExhaustedEvent | CreditsExpiringEvent | PlanChangeCompletedEvent | PlanChangeFailedEvent
  | PurchaseCompletedEvent | PurchaseRefundedEvent | SubscriptionPastDueEvent | SubscriptionCanceledEvent | AuditDifferenceEvent
  | SpendCapAlertEvent | SpendCapReachedEvent;

export type WebhookEventType = CreditsWebhookEvent["type"];
