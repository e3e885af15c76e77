import { Transport, type CallOptions, type CreditsClientOptions, type IdempotentCallOptions } from "./transport.js";
import { streamBalance, type StreamBalanceOptions } from "./balance-stream.js";
import type * as Api from "./generated/openapi.js";
import type {
  AutoTopUp, AutoTopUpConfigured, AutoTopUpSettings, Cancellation, CancellationAccepted, CreateWebhookEndpoint, SpendCap, SpendCapSettings, CreditBalance, Customer, CustomerRegistration, Entitlement,
  LedgerPage, Member, Operation, OperationAccepted, PortalSession, Purchase, RateCard, RecordUsageResult, RegisterCustomer,
  Reservation, UsageBreakdown, UsageEvent, UsageEventResult, WebhookDelivery, WebhookEndpoint, WebhookEndpointWithSecret,
} from "./types.js";

/**
 * The Gateway's /v1 API, as the .NET Credits.Client has it (same calls, camelCase).
 *
 * Retries are safe: usage is idempotent on each event's id, and every other write carries an Idempotency-Key chosen
 * once per call (or passed by the caller), or is idempotent by itself (registration on the customer id, settle and
 * release on the reservation, the auto top-up and member limits are "set to"). The two writes that are not (creating a
 * webhook endpoint, rotating its secret) and resuming a subscription (no key; a retry would be a 409) are sent once.
 *
 * Errors: a refusal is a CreditsApiError with the RFC 7807 problem. The reads of one thing (getCustomer, getBalance,
 * getOperation, getAutoTopUp, getCancellation, getWebhookEndpoint) answer null for 404: the thing does not exist yet, which an app meets
 * in normal use. Every other call throws on 404 too: there it is a mistake (a customer id never registered).
 */
export class CreditsClient {
  readonly #transport: Transport;

  constructor(options: CreditsClientOptions) {
    this.#transport = new Transport(options);
  }

  // Usage

  /**
   * POST /v1/usage with up to 1,000 events, each applied, a duplicate (same eventId) or rejected on its own. A malformed
   * request is a CreditsApiError whose `errors` name the events, e.g. "events[2].credits"; then nothing was recorded.
   */
  recordUsageBatch(events: UsageEvent[], options: CallOptions = {}): Promise<RecordUsageResult> {
    return this.#transport.send({ method: "POST", path: "/v1/usage", body: { events }, signal: options.signal });
  }

  /** One usage event; its result (status "applied", "duplicate" or "rejected"). */
  async recordUsage(event: UsageEvent, options: CallOptions = {}): Promise<UsageEventResult> {
    return (await this.recordUsageBatch([event], options)).results[0]!;
  }

  // Balances

  /** GET balance; null when the customer has no credit account (yet). */
  getBalance(customerId: string, options: CallOptions = {}): Promise<CreditBalance | null> {
    return this.#transport.send({ method: "GET", path: customer(customerId) + "/balance", nullOn404: true, signal: options.signal });
  }

  /** GET ledger: entries newest first, `limit` (1 to 1000, default 100) before entry `before` (a page's nextBefore). */
  getLedger(customerId: string, options: CallOptions & { before?: number; limit?: number } = {}): Promise<LedgerPage> {
    return this.#transport.send({
      method: "GET", path: customer(customerId) + "/ledger", query: { before: options.before, limit: options.limit }, signal: options.signal,
    });
  }

  /** GET entitlement: may the customer (or `memberId` of its shared balance) spend `credits` now? */
  checkEntitlement(customerId: string, credits: number, options: CallOptions & { memberId?: string } = {}): Promise<Entitlement> {
    return this.#transport.send({
      method: "GET", path: customer(customerId) + "/entitlement", query: { credits, memberId: options.memberId }, signal: options.signal,
    });
  }

  /** GET usage: by feature and member, `from` to `to` (default: the current period). */
  getUsage(customerId: string, options: CallOptions & { from?: Date | string; to?: Date | string } = {}): Promise<UsageBreakdown> {
    return this.#transport.send({
      method: "GET", path: customer(customerId) + "/usage", query: { from: options.from, to: options.to }, signal: options.signal,
    });
  }

  /** GET members of a shared balance. */
  getMembers(customerId: string, options: CallOptions = {}): Promise<Member[]> {
    return this.#transport.send({ method: "GET", path: customer(customerId) + "/members", signal: options.signal });
  }

  /** PUT a member's limit per period, or with null remove it (no limit of its own); creates the member. */
  setMemberLimit(customerId: string, memberId: string, limitPerPeriod: number | null, options: CallOptions = {}): Promise<Member> {
    const path = customer(customerId) + "/members/" + encodeURIComponent(memberId);
    return limitPerPeriod === null
      ? this.#transport.send({ method: "DELETE", path: path + "/limit", signal: options.signal })
      : this.#transport.send({ method: "PUT", path, body: { limitPerPeriod } satisfies Api.MemberLimitRequest, signal: options.signal });
  }

  /** GET /v1/rate-cards: the published versions, oldest first. */
  getRateCards(options: CallOptions = {}): Promise<RateCard[]> {
    return this.#transport.send({ method: "GET", path: "/v1/rate-cards", signal: options.signal });
  }

  /**
   * The balance now, then again after every change, as server-sent events; reconnects when the connection drops.
   * `for await (const balance of credits.streamBalance(id, { signal }))`; abort the signal to stop.
   */
  streamBalance(customerId: string, options: StreamBalanceOptions = {}): AsyncGenerator<CreditBalance> {
    return streamBalance(this.#transport, customerId, options);
  }

  // Reservations

  /**
   * POST reservations: hold `credits` for `timeToLiveSeconds` (default 300, at most a day); a 409 when not enough are
   * available. A retry with the same Idempotency-Key never holds twice and answers the same reservation ("duplicate").
   */
  reserve(customerId: string, credits: number, options: IdempotentCallOptions & { timeToLiveSeconds?: number } = {}): Promise<Reservation> {
    return this.#transport.send({
      method: "POST", path: customer(customerId) + "/reservations",
      body: { credits, timeToLiveSeconds: options.timeToLiveSeconds ?? 300 } satisfies Api.ReserveRequest,
      idempotent: true, idempotencyKey: options.idempotencyKey, signal: options.signal,
    });
  }

  /** POST settle: end the reservation with the credits actually used (idempotent per reservation; another amount is a 409). */
  settle(customerId: string, reservationId: string, actualCredits: number, options: CallOptions = {}): Promise<Reservation> {
    return this.#transport.send({
      method: "POST", path: `${customer(customerId)}/reservations/${encodeURIComponent(reservationId)}/settle`,
      body: { actualCredits } satisfies Api.SettleRequest, signal: options.signal,
    });
  }

  /** POST release: end the reservation without spending (idempotent per reservation). */
  release(customerId: string, reservationId: string, options: CallOptions = {}): Promise<Reservation> {
    return this.#transport.send({
      method: "POST", path: `${customer(customerId)}/reservations/${encodeURIComponent(reservationId)}/release`, signal: options.signal,
    });
  }

  // Customers

  /**
   * POST /v1/customers: register a customer on `planId` (default: the catalog's default plan). Idempotent on the
   * customer id: `accepted` while the registration runs (poll getCustomer), the customer once it is registered.
   */
  async registerCustomer(registration: RegisterCustomer, options: CallOptions = {}): Promise<CustomerRegistration> {
    const body: Api.RegisterCustomerRequest = {
      customerId: registration.customerId, email: registration.email ?? null, name: registration.name ?? null, planId: registration.planId ?? null,
    };
    const answer = await this.#transport.send<Api.CustomerAccepted | Api.CustomerView>({ method: "POST", path: "/v1/customers", body, signal: options.signal });
    // 202 answers { customerId, state, customer }; 200 answers the customer itself (it has a sagaState).
    if ("sagaState" in answer) return { customerId: answer.customerId, state: answer.state, customer: answer, accepted: false };
    return { customerId: answer.customerId, state: answer.state, customer: answer.customer ?? null, accepted: true };
  }

  /** GET /v1/customers/{id}; null when no such customer is registered. */
  getCustomer(customerId: string, options: CallOptions = {}): Promise<Customer | null> {
    return this.#transport.send({ method: "GET", path: customer(customerId), nullOn404: true, signal: options.signal });
  }

  /**
   * POST plan: upgrades now (prorated), downgrades at the period end; follow the operation with getOperation. One
   * change at a time: a 409 names the one in flight (problem member inFlightOperationId). The Idempotency-Key makes
   * a retry answer the same operation (`repeated`).
   */
  changePlan(customerId: string, planId: string, options: IdempotentCallOptions = {}): Promise<OperationAccepted> {
    return this.#transport.send({
      method: "POST", path: customer(customerId) + "/plan", body: { planId } satisfies Api.ChangePlanRequest,
      idempotent: true, idempotencyKey: options.idempotencyKey, signal: options.signal,
    });
  }

  /** POST portal-sessions: a link to the customer portal for this customer only, valid for a short while. */
  createPortalSession(customerId: string, options: CallOptions = {}): Promise<PortalSession> {
    return this.#transport.send({ method: "POST", path: customer(customerId) + "/portal-sessions", signal: options.signal });
  }

  /**
   * POST cancellation: end the subscription at the period end (`at: "now"` ends it at once, for operators); follow it
   * with getCancellation. The Idempotency-Key makes a retry answer the same operation (`repeated`).
   */
  cancelSubscription(customerId: string, options: IdempotentCallOptions & { at?: "now" } = {}): Promise<CancellationAccepted> {
    return this.#transport.send({
      method: "POST", path: customer(customerId) + "/cancellation", query: { at: options.at },
      idempotent: true, idempotencyKey: options.idempotencyKey, signal: options.signal,
    });
  }

  /**
   * DELETE cancellation: undo one scheduled for the period end. Sent once: the Gateway takes no key for it, and a
   * retry after a lost answer would be a 409 (none scheduled) for a resume that happened.
   */
  resumeSubscription(customerId: string, options: CallOptions = {}): Promise<CancellationAccepted> {
    return this.#transport.send({ method: "DELETE", path: customer(customerId) + "/cancellation", retry: false, signal: options.signal });
  }

  /** GET cancellation: the latest one; null when the customer has none. */
  getCancellation(customerId: string, options: CallOptions = {}): Promise<Cancellation | null> {
    return this.#transport.send({ method: "GET", path: customer(customerId) + "/cancellation", nullOn404: true, signal: options.signal });
  }

  // Spend caps

  /** PUT spend-cap: cap overage per period in `credits`, or as an `amount` (minor units) in `currency`; "set to", so retried. */
  setSpendCap(customerId: string, cap: SpendCapSettings, options: CallOptions = {}): Promise<SpendCap> {
    return this.#transport.send({ method: "PUT", path: customer(customerId) + "/spend-cap", body: cap, signal: options.signal });
  }

  /** GET spend-cap: the cap, this period's overage against it, and whether it is reached. */
  getSpendCap(customerId: string, options: CallOptions = {}): Promise<SpendCap> {
    return this.#transport.send({ method: "GET", path: customer(customerId) + "/spend-cap", signal: options.signal });
  }

  /** DELETE spend-cap: overage is billed without a limit again, at once. */
  removeSpendCap(customerId: string, options: CallOptions = {}): Promise<SpendCap> {
    return this.#transport.send({ method: "DELETE", path: customer(customerId) + "/spend-cap", signal: options.signal });
  }

  // Operations

  /** GET /v1/operations/{id}: a plan change, top-up or card setup; null when there is none with that id. */
  getOperation(operationId: string, options: CallOptions = {}): Promise<Operation | null> {
    return this.#transport.send({ method: "GET", path: "/v1/operations/" + encodeURIComponent(operationId), nullOn404: true, signal: options.signal });
  }

  /** GET /v1/operations: of every customer, or of `customerId`, newest first. */
  listOperations(options: CallOptions & { customerId?: string; limit?: number } = {}): Promise<Operation[]> {
    return this.#transport.send({
      method: "GET", path: "/v1/operations", query: { customerId: options.customerId, limit: options.limit }, signal: options.signal,
    });
  }

  /** GET the customer's plan changes and top-ups, newest first (`limit` at most 200). */
  getCustomerOperations(customerId: string, options: CallOptions & { limit?: number } = {}): Promise<Operation[]> {
    return this.#transport.send({ method: "GET", path: customer(customerId) + "/operations", query: { limit: options.limit }, signal: options.signal });
  }

  // Top-ups

  /**
   * POST top-ups: buy `packId` through Stripe Checkout (the answer's checkoutUrl, or later the operation's) or on the
   * saved card. The Idempotency-Key makes a retry answer the same purchase: pass your own, stable across your retries,
   * when a customer's click may be sent twice.
   */
  purchaseCredits(customerId: string, packId: string, options: IdempotentCallOptions & { useSavedCard?: boolean } = {}): Promise<Purchase> {
    return this.#transport.send({
      method: "POST", path: customer(customerId) + "/top-ups",
      body: { packId, useSavedCard: options.useSavedCard ?? false } satisfies Api.PurchaseRequest,
      idempotent: true, idempotencyKey: options.idempotencyKey, signal: options.signal,
    });
  }

  /** PUT auto-top-up: the last setting wins, so sending it again is safe. It applies once the saga has it. */
  configureAutoTopUp(customerId: string, settings: AutoTopUpSettings, options: CallOptions = {}): Promise<AutoTopUpConfigured> {
    const body: Api.AutoTopUpRequest = { enabled: settings.enabled, threshold: settings.threshold, packId: settings.packId ?? null };
    if (settings.monthlyCap !== undefined) body.monthlyCap = settings.monthlyCap;
    return this.#transport.send({ method: "PUT", path: customer(customerId) + "/auto-top-up", body, signal: options.signal });
  }

  /** GET auto-top-up; null when the customer has none (yet). */
  getAutoTopUp(customerId: string, options: CallOptions = {}): Promise<AutoTopUp | null> {
    return this.#transport.send({ method: "GET", path: customer(customerId) + "/auto-top-up", nullOn404: true, signal: options.signal });
  }

  // Webhook endpoints (scope admin to change, read to list)

  /**
   * POST /v1/webhook-endpoints: the endpoint and its signing secret, shown this once. Sent once, never retried: the
   * Gateway would register a second endpoint.
   */
  createWebhookEndpoint(endpoint: CreateWebhookEndpoint, options: CallOptions = {}): Promise<WebhookEndpointWithSecret> {
    return this.#transport.send({ method: "POST", path: "/v1/webhook-endpoints", body: endpoint, retry: false, signal: options.signal });
  }

  listWebhookEndpoints(options: CallOptions = {}): Promise<WebhookEndpoint[]> {
    return this.#transport.send({ method: "GET", path: "/v1/webhook-endpoints", signal: options.signal });
  }

  /** GET one endpoint (never its secret); null when there is none with that id. */
  getWebhookEndpoint(endpointId: string, options: CallOptions = {}): Promise<WebhookEndpoint | null> {
    return this.#transport.send({ method: "GET", path: "/v1/webhook-endpoints/" + encodeURIComponent(endpointId), nullOn404: true, signal: options.signal });
  }

  /**
   * DELETE an endpoint with its deliveries: nothing more is sent to it. Retried (deleting is deleting); answers false
   * when there was no such endpoint, which is also what a retry after a lost answer sees.
   */
  async deleteWebhookEndpoint(endpointId: string, options: CallOptions = {}): Promise<boolean> {
    const answer = await this.#transport.send<null | undefined>({
      method: "DELETE", path: "/v1/webhook-endpoints/" + encodeURIComponent(endpointId), nullOn404: true, signal: options.signal,
    });
    return answer !== null;
  }

  /** Enable or disable (a disabled endpoint is given no deliveries); "set to", so retried. */
  setWebhookEndpointEnabled(endpointId: string, enabled: boolean, options: CallOptions = {}): Promise<WebhookEndpoint> {
    return this.#transport.send({
      method: "POST", path: `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/${enabled ? "enable" : "disable"}`, signal: options.signal,
    });
  }

  /**
   * A new secret, shown once; the old one also signs until previousSecretExpiresAt. Sent once, never retried: a second
   * rotation would retire the old secret at once.
   */
  rotateWebhookSecret(endpointId: string, options: CallOptions = {}): Promise<WebhookEndpointWithSecret> {
    return this.#transport.send({
      method: "POST", path: `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/rotate-secret`, retry: false, signal: options.signal,
    });
  }

  /** Deliveries to an endpoint, newest first; `status` pending, delivered or failed. */
  listWebhookDeliveries(endpointId: string, options: CallOptions & { status?: string; limit?: number } = {}): Promise<WebhookDelivery[]> {
    return this.#transport.send({
      method: "GET", path: `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries`,
      query: { status: options.status, limit: options.limit }, signal: options.signal,
    });
  }

  /** Makes a delivery due now, with the same event id and payload. */
  replayWebhookDelivery(deliveryId: string, options: CallOptions = {}): Promise<WebhookDelivery> {
    return this.#transport.send({ method: "POST", path: `/v1/webhook-deliveries/${encodeURIComponent(deliveryId)}/replay`, signal: options.signal });
  }
}

function customer(customerId: string): string {
  return "/v1/customers/" + encodeURIComponent(customerId);
}
