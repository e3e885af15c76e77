// The SDK against the real system: the Gateway and Orchestrator processes, PostgreSQL, RabbitMQ and the Stripe emulator
// started by tests/Credits.IntegrationTests/Client/TypeScriptSdkTests.cs, which passes CREDITS_BASE_URL and
// CREDITS_API_KEY. Without them (a plain `npm test`) these tests are skipped.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { CreditsClient, CreditsApiError, verifyWebhook, WebhookSignatureError } from "../dist/index.js";

const baseUrl = process.env.CREDITS_BASE_URL;
const apiKey = process.env.CREDITS_API_KEY;
const skip = baseUrl && apiKey ? false : "CREDITS_BASE_URL and CREDITS_API_KEY are not set (the xunit driver sets them)";

const WAIT_MS = 60_000;

/** Polls `read` until `until` holds for its value; fails naming `what` after WAIT_MS. */
async function eventually(read, until, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await read();
    if (until(last)) return last;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const newId = (prefix) => `${prefix}-${randomUUID().replaceAll("-", "")}`;

describe("the SDK against the running system", { skip }, () => {
  const credits = skip ? null : new CreditsClient({ baseUrl, apiKey });

  /** Registers a Hobby customer (200 credits, low at 50 and 20, no overage) over the API and waits until it is active. */
  async function activeCustomer(prefix) {
    const customerId = newId(prefix);
    const registration = await credits.registerCustomer({ customerId, email: `${prefix}@example.com`, name: prefix, planId: "hobby" });
    assert.equal(registration.customerId, customerId);
    const customer = await eventually(() => credits.getCustomer(customerId), (c) => c?.state === "active", `${customerId} active`);
    await eventually(() => credits.getBalance(customerId), (b) => b?.available === 200, `${customerId}'s allowance`);
    return { customerId, registration, customer };
  }

  // The customers every test below uses, registered at once (their sagas run in parallel).
  let usage, reserving, exhausting, upgrading, buying, cancelling;
  before(async () => {
    [usage, reserving, exhausting, upgrading, buying, cancelling] = await Promise.all(
      ["ts-usage", "ts-reserve", "ts-exhaust", "ts-upgrade", "ts-buy", "ts-cancel"].map((p) => activeCustomer(p)));
  });

  test("a customer is registered, read back, and registering it again answers the customer", async () => {
    assert.equal(usage.registration.accepted, true);
    assert.equal(usage.registration.state, "registering");
    assert.equal(usage.customer.planId, "hobby");
    assert.equal(usage.customer.email, "ts-usage@example.com");
    assert.match(usage.customer.stripeCustomerId, /^cus_/);

    const again = await credits.registerCustomer({ customerId: usage.customerId, planId: "hobby" });
    assert.equal(again.accepted, false);
    assert.equal(again.customer.customerId, usage.customerId);
    assert.equal(await credits.getCustomer(newId("ts-nobody")), null);
  });

  test("usage, single and batched, is applied once; a duplicate event id is answered as a duplicate; balance, ledger and entitlement follow", async () => {
    const { customerId } = usage;
    const first = await credits.recordUsage({ eventId: "u1", customerId, credits: 30, feature: "api-call" });
    const batch = await credits.recordUsageBatch([
      { eventId: "u2", customerId, credits: 20, feature: "api-call" },
      { eventId: "u1", customerId, credits: 30, feature: "api-call" },
      { eventId: "u3", customerId: newId("ts-nobody"), credits: 5 },
    ]);

    assert.equal(first.status, "applied");
    assert.equal(first.available, 170);
    assert.deepEqual([batch.applied, batch.duplicates, batch.rejected], [1, 1, 1]);
    assert.deepEqual(batch.results.map((r) => r.status), ["applied", "duplicate", "rejected"]);
    assert.equal(batch.results[0].available, 150);
    assert.equal(batch.results[2].reasonCode, "unknown-customer");

    const balance = await credits.getBalance(customerId);
    assert.equal(balance.available, 150);
    assert.equal(balance.planId, "hobby");
    assert.equal(Object.values(balance.bySource).reduce((a, b) => a + b, 0), 150);

    const ledger = await credits.getLedger(customerId);
    // EntryKind is the ledger's enum as a number: 0 grant, 1 debit.
    assert.deepEqual(ledger.entries.filter((e) => e.kind === 1).map((e) => Math.abs(e.amount)).sort((a, b) => a - b), [20, 30]);
    assert.ok(ledger.entries.some((e) => e.kind === 0 && e.amount === 200), "the allowance's grant");
    const page = await credits.getLedger(customerId, { limit: 1 });
    assert.equal(page.entries.length, 1);
    assert.equal(typeof page.nextBefore, "number");
    const next = await credits.getLedger(customerId, { limit: 1, before: page.nextBefore });
    assert.ok(next.entries[0].id < page.entries[0].id);

    assert.equal((await credits.checkEntitlement(customerId, 150)).allowed, true);
    const tooMuch = await credits.checkEntitlement(customerId, 151);
    assert.equal(tooMuch.allowed, false);
    assert.equal(tooMuch.available, 150);

    const breakdown = await credits.getUsage(customerId);
    assert.equal(breakdown.features.find((f) => f.feature === "api-call")?.credits, 50);
  });

  test("priced usage, a quantity without credits, is charged by the rate card", async () => {
    const { customerId } = usage;
    // gpt-4o input tokens at 0.00025 credits: 10,000 tokens are 2.5 credits, so 2 then 3 with the half carried.
    const first = await credits.recordUsage({ eventId: newId("p"), customerId, feature: "gpt-4o", quantity: 10_000, unit: "input-token" });
    const second = await credits.recordUsage({ eventId: newId("p"), customerId, feature: "gpt-4o", quantity: 10_000, unit: "input-token" });

    assert.deepEqual([first.status, first.charged, second.charged], ["applied", 2, 3]);
    const rates = (await credits.getRateCards())[0].rates;
    assert.ok(rates.some((r) => r.feature === "gpt-4o" && r.unit === "input-token" && r.creditsPerUnit === 0.00025), JSON.stringify(rates));
  });

  test("a reservation is held once per idempotency key, then settled; another is released", async () => {
    const { customerId } = reserving;
    const key = randomUUID();
    const held = await credits.reserve(customerId, 150, { timeToLiveSeconds: 60, idempotencyKey: key });
    const retried = await credits.reserve(customerId, 150, { timeToLiveSeconds: 60, idempotencyKey: key });
    const refused = await credits.reserve(customerId, 100).catch((e) => e);

    assert.deepEqual([held.outcome, retried.outcome], ["applied", "duplicate"]);
    assert.equal(retried.reservationId, held.reservationId);
    assert.equal(retried.available, 50);
    assert.ok(refused instanceof CreditsApiError);
    assert.equal(refused.status, 409);

    const settled = await credits.settle(customerId, held.reservationId, 120);
    assert.deepEqual([settled.debited, settled.available], [120, 80]);

    const other = await credits.reserve(customerId, 30);
    assert.equal(other.available, 50);
    const released = await credits.release(customerId, other.reservationId);
    assert.equal(released.available, 80);
    assert.equal((await credits.getBalance(customerId)).available, 80);
  });

  test("the balance stream yields the balance now, then a new one after usage", async () => {
    const { customerId } = reserving;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      const seen = [];
      for await (const balance of credits.streamBalance(customerId, { signal: controller.signal })) {
        seen.push(balance.available);
        if (seen.length === 1) await credits.recordUsage({ eventId: newId("s"), customerId, credits: 5 });
        if (balance.available === seen[0] - 5) break;
      }
      assert.ok(!controller.signal.aborted, `the stream gave ${JSON.stringify(seen)} within 30 s`);
      assert.equal(seen.at(-1), seen[0] - 5);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    await assert.rejects(async () => { for await (const _ of credits.streamBalance(newId("ts-nobody"))) { /* none */ } },
      (e) => e instanceof CreditsApiError && e.status === 404);
  });

  test("a plan change answers an operation that can be polled, once per key", async () => {
    const { customerId } = upgrading;
    const key = randomUUID();
    const accepted = await credits.changePlan(customerId, "pro", { idempotencyKey: key });
    const retried = await credits.changePlan(customerId, "pro", { idempotencyKey: key });

    assert.equal(retried.operationId, accepted.operationId);
    assert.equal(retried.repeated, true);
    const operation = await eventually(() => credits.getOperation(accepted.operationId), (o) => o !== null, "the operation");
    assert.equal(operation.kind, "plan-change");
    assert.equal(operation.customerId, customerId);
    assert.equal(operation.planChange.toPlanId, "pro");
    assert.ok((await credits.getCustomerOperations(customerId)).some((o) => o.operationId === accepted.operationId));
    assert.ok((await credits.listOperations({ customerId })).some((o) => o.operationId === accepted.operationId));
    assert.equal(await credits.getOperation(randomUUID()), null);
  });

  test("a top-up is a purchase with a Stripe Checkout URL", async () => {
    const { customerId } = buying;
    const key = randomUUID();
    const purchase = await credits.purchaseCredits(customerId, "small", { idempotencyKey: key });
    const retried = await credits.purchaseCredits(customerId, "small", { idempotencyKey: key });

    assert.equal(retried.purchaseId, purchase.purchaseId);
    assert.equal(retried.repeated, true);
    const url = purchase.checkoutUrl ?? (await eventually(() => credits.getOperation(purchase.purchaseId), (o) => o?.topUp?.checkoutUrl, "the Checkout URL")).topUp.checkoutUrl;
    assert.ok(URL.canParse(url), url);
    assert.equal((await credits.getOperation(purchase.purchaseId)).kind, "top-up");
  });

  test("the auto top-up is set and read back once the saga has it", async () => {
    const { customerId } = buying;
    const configured = await credits.configureAutoTopUp(customerId, { enabled: true, threshold: 100, packId: "large" });

    assert.deepEqual([configured.enabled, configured.threshold, configured.packId], [true, 100, "large"]);
    const policy = await eventually(() => credits.getAutoTopUp(customerId), (p) => p !== null, "the auto top-up saga");
    assert.deepEqual([policy.enabled, policy.threshold, policy.packId], [true, 100, "large"]);
  });

  test("a cancellation at the period end is accepted once per key, scheduled, and resumed", async () => {
    const { customerId } = cancelling;
    const key = randomUUID();
    const accepted = await credits.cancelSubscription(customerId, { idempotencyKey: key });
    const retried = await credits.cancelSubscription(customerId, { idempotencyKey: key });

    assert.equal(retried.operationId, accepted.operationId);
    assert.equal(retried.repeated, true);
    const scheduled = await eventually(() => credits.getCancellation(customerId), (c) => c?.status === "scheduled", "the cancellation scheduled");
    assert.equal(scheduled.operationId, accepted.operationId);
    assert.ok(Date.parse(scheduled.endsAt) > Date.now());

    await credits.resumeSubscription(customerId);
    await eventually(() => credits.getCancellation(customerId), (c) => c?.status === "resumed", "the cancellation resumed");
  });

  test("a spend cap is set, read and removed", async () => {
    const { customerId } = usage;
    const set = await credits.setSpendCap(customerId, { credits: 500 });
    assert.deepEqual([set.customerId, set.credits, set.reached], [customerId, 500, false]);
    assert.equal((await credits.getSpendCap(customerId)).credits, 500);
    assert.equal((await credits.removeSpendCap(customerId)).credits, null);
    const refused = await credits.setSpendCap(customerId, { credits: 5, amount: 100, currency: "usd" }).catch((e) => e);
    assert.equal(refused.status, 400);
    assert.ok("credits" in refused.errors, JSON.stringify(refused.problem));
  });

  test("a portal session is a link for the customer", async () => {
    const session = await credits.createPortalSession(usage.customerId);
    assert.ok(session.url.startsWith(baseUrl + "/portal?token="), session.url);
    assert.ok(Date.parse(session.expiresAt) > Date.now());
  });

  test("a bad request is a CreditsApiError with the problem's errors, and never the API key", async () => {
    const { customerId } = usage;
    const malformed = await credits.recordUsageBatch([
      { eventId: newId("ok"), customerId, quantity: 1000, unit: "input-token", feature: "gpt-4o", credits: 0 },
      { eventId: newId("bad"), customerId, quantity: 1.0000001, unit: "input-token", feature: "gpt-4o", credits: 0 },
    ]).catch((e) => e);
    const limit = await credits.getLedger(customerId, { limit: 0 }).catch((e) => e);
    const unknown = await credits.checkEntitlement(newId("ts-nobody"), 1).catch((e) => e);

    assert.ok(malformed instanceof CreditsApiError, String(malformed));
    assert.equal(malformed.status, 400);
    assert.equal(malformed.problem.title, "Invalid usage events");
    assert.match(malformed.errors["events[1].quantity"][0], /decimal places/);
    assert.equal(limit.status, 400);
    assert.equal(limit.problem.title, "Invalid limit");
    assert.equal(unknown.status, 404);
    assert.match(unknown.message, /\/entitlement answered 404 Unknown customer/);
    for (const error of [malformed, limit, unknown]) assert.ok(!`${error.stack} ${JSON.stringify(error)}`.includes(apiKey));
  });

  describe("webhooks", () => {
    const received = [];
    let receiver, receiverUrl;
    before(async () => {
      receiver = createServer((req, res) => {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          received.push({ path: req.url, signature: req.headers["credits-signature"], type: req.headers["credits-event-type"], body: Buffer.concat(chunks) });
          res.writeHead(200).end();
        });
      });
      await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
      receiverUrl = `http://127.0.0.1:${receiver.address().port}`;
    });
    after(() => new Promise((resolve) => { receiver.closeAllConnections?.(); receiver.close(resolve); }));

    test("credits.exhausted reaches a receiver registered through the SDK and verifies with its secret", async () => {
      const path = "/" + newId("hook");
      const { endpoint, secret } = await credits.createWebhookEndpoint({ url: receiverUrl + path, eventTypes: ["credits.exhausted"], description: "ts sdk test" });
      assert.match(secret, /^whsec_/);
      assert.equal((await credits.getWebhookEndpoint(endpoint.id)).url, receiverUrl + path);
      const { customerId } = exhausting;

      await credits.recordUsage({ eventId: newId("x"), customerId, credits: 200 });

      // Endpoints are global: only this customer's events at this endpoint's path count.
      const arrived = await eventually(() => received.filter((r) => r.path === path && JSON.parse(r.body).data?.customerId === customerId),
        (r) => r.length >= 1, "credits.exhausted at the receiver", 30_000);
      const event = await verifyWebhook(arrived[0].body, arrived[0].signature, secret);
      assert.equal(event.type, "credits.exhausted");
      assert.equal(arrived[0].type, "credits.exhausted");
      assert.equal(event.apiVersion, "2026-12-01");
      assert.match(event.id, /^evt_/);
      assert.deepEqual([event.data.customerId, event.data.planId, event.data.overageAllowed], [customerId, "hobby", false]);
      await assert.rejects(verifyWebhook(arrived[0].body, arrived[0].signature, "whsec_someone_else"), WebhookSignatureError);
      await assert.rejects(verifyWebhook(Buffer.concat([arrived[0].body, Buffer.from(" ")]), arrived[0].signature, secret), WebhookSignatureError);

      await eventually(() => credits.listWebhookDeliveries(endpoint.id),
        (d) => d.some((x) => x.eventId === event.id && x.status === "delivered" && x.eventType === "credits.exhausted"), "the delivery marked delivered", 30_000);

      // Deleted: gone, with its deliveries; deleting again (or a retry after a lost answer) answers false.
      assert.equal(await credits.deleteWebhookEndpoint(endpoint.id), true);
      assert.equal(await credits.getWebhookEndpoint(endpoint.id), null);
      assert.equal(await credits.deleteWebhookEndpoint(endpoint.id), false);
    });
  });
});
