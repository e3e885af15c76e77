export { CreditsClient } from "./client.js";
export type { CreditsClientOptions, CallOptions, IdempotentCallOptions } from "./transport.js";
export { IDEMPOTENCY_KEY_HEADER } from "./transport.js";
export type { StreamBalanceOptions } from "./balance-stream.js";
export { CreditsApiError, type ProblemDetails } from "./errors.js";
export { verifyWebhook, signWebhook, WebhookSignatureError, WEBHOOK_SIGNATURE_HEADER, type VerifyWebhookOptions } from "./webhooks.js";
export type * from "./webhook-events.js";
export type * from "./types.js";
