// Retries, idempotency keys, Retry-After and problem details, against a local node:http server that fails on purpose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { CreditsClient, CreditsApiError } from "../dist/index.js";
import { scriptedServer, json, problem } from "../test-helpers/server.mjs";

const apiKey = "sk-test-transport-0123456789";
const reservation = { reservationId: "7b0c2f58-0d7a-4f57-9f5e-1f6f0f8f1a11", outcome: "applied", held: 40, debited: 0, available: 160 };

function client(url, options = {}) {
  return new CreditsClient({ baseUrl: url + "/", apiKey, retryBaseDelayMs: 10, ...options });
}

test("a write retried after 503s keeps the one Idempotency-Key it was given for the call", async (t) => {
  const server = await scriptedServer((req, res, body, i) => (i < 2 ? problem(res, 503, { title: "Unavailable", status: 503 }) : json(res, 200, reservation)));
  t.after(server.close);

  const held = await client(server.url).reserve("acme", 40);

  assert.deepEqual(held, reservation);
  assert.equal(server.requests.length, 3);
  const keys = server.requests.map((r) => r.headers["idempotency-key"]);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  assert.deepEqual(keys, [keys[0], keys[0], keys[0]]);
  assert.deepEqual(server.requests.map((r) => JSON.parse(r.body)), Array(3).fill({ credits: 40, timeToLiveSeconds: 300 }));
  assert.equal(server.requests[0].url, "/v1/customers/acme/reservations");
  assert.equal(server.requests[0].headers.authorization, `Bearer ${apiKey}`);
});

test("each call has its own key, and the caller's own key is sent as it is", async (t) => {
  const server = await scriptedServer((req, res) => json(res, 200, reservation));
  t.after(server.close);
  const credits = client(server.url);

  await credits.reserve("acme", 1);
  await credits.reserve("acme", 1);
  await credits.changePlan("acme", "pro", { idempotencyKey: "upgrade-acme-1" }).catch(() => {});

  const keys = server.requests.map((r) => r.headers["idempotency-key"]);
  assert.notEqual(keys[0], keys[1]);
  assert.equal(keys[2], "upgrade-acme-1");
});

test("Retry-After is waited for before the retry", async (t) => {
  const server = await scriptedServer((req, res, body, i) =>
    i === 0 ? problem(res, 429, { title: "Too many requests", status: 429 }, { "retry-after": "1" }) : json(res, 200, { applied: 1, duplicates: 0, rejected: 0, results: [{ eventId: "e1", status: "applied", reasonCode: null, reason: null, available: 1 }] }));
  t.after(server.close);

  const started = performance.now();
  const result = await client(server.url).recordUsage({ eventId: "e1", customerId: "acme", credits: 1 });

  assert.equal(result.status, "applied");
  assert.equal(server.requests.length, 2);
  assert.ok(performance.now() - started >= 950, `retried after ${performance.now() - started} ms`);
  // Usage is idempotent on its event ids: the body is sent again as it was, with no key.
  assert.equal(server.requests[1].body, server.requests[0].body);
  assert.equal(server.requests[0].headers["idempotency-key"], undefined);
});

test("a dropped connection is retried like a 5xx", async (t) => {
  const server = await scriptedServer((req, res, body, i) => (i === 0 ? req.socket.destroy() : json(res, 200, reservation)));
  t.after(server.close);

  await client(server.url).settle("acme", reservation.reservationId, 40);

  assert.equal(server.requests.length, 2);
});

test("after maxRetries the last refusal is thrown, with its Retry-After", async (t) => {
  const server = await scriptedServer((req, res) => problem(res, 503, { title: "Balance streams full", status: 503 }, { "retry-after": "0" }));
  t.after(server.close);

  const error = await client(server.url, { maxRetries: 2 }).getBalance("acme").catch((e) => e);

  assert.ok(error instanceof CreditsApiError);
  assert.equal(error.status, 503);
  assert.equal(error.retryAfter, 0);
  assert.equal(server.requests.length, 3);
});

test("a refusal that retrying cannot fix (400, 404, 409) is thrown at once, as problem details", async (t) => {
  const body = {
    type: "https://tools.ietf.org/html/rfc9110#section-15.5.1", title: "Invalid usage events", status: 400,
    detail: "One or more events cannot be recorded.", instance: "/v1/usage",
    errors: { "events[1].quantity": ["quantity has more than 6 decimal places."] }, traceId: "00-abc-def-01",
  };
  const server = await scriptedServer((req, res) => problem(res, 400, body));
  t.after(server.close);

  const error = await client(server.url).recordUsageBatch([{ eventId: "e", customerId: "acme", credits: 1 }]).catch((e) => e);

  assert.ok(error instanceof CreditsApiError);
  assert.ok(error instanceof Error);
  assert.equal(server.requests.length, 1);
  assert.equal(error.status, 400);
  assert.deepEqual(error.problem, body);
  assert.deepEqual(error.errors, body.errors);
  assert.equal(error.problem.traceId, "00-abc-def-01");
  assert.equal(error.message, "POST /v1/usage answered 400 Invalid usage events: One or more events cannot be recorded.");
  assert.ok(!String(error.stack).includes(apiKey) && !JSON.stringify(error).includes(apiKey));
});

test("a body that is not problem details still gives the status", async (t) => {
  const server = await scriptedServer((req, res) => { res.writeHead(502, { "content-type": "text/html" }); res.end("<html>bad gateway</html>"); });
  t.after(server.close);

  const error = await client(server.url, { maxRetries: 0 }).getRateCards().catch((e) => e);

  assert.equal(error.status, 502);
  assert.equal(error.problem.status, 502);
});

test("a read of one thing answers null for 404, other calls throw", async (t) => {
  const server = await scriptedServer((req, res) => problem(res, 404, { title: "Unknown customer", status: 404 }));
  t.after(server.close);
  const credits = client(server.url);

  assert.equal(await credits.getCustomer("nobody"), null);
  assert.equal(await credits.getBalance("nobody"), null);
  assert.equal(await credits.getOperation("7b0c2f58-0d7a-4f57-9f5e-1f6f0f8f1a11"), null);
  await assert.rejects(credits.checkEntitlement("nobody", 1), (e) => e instanceof CreditsApiError && e.status === 404);
});

test("a write the Gateway would apply twice (creating a webhook endpoint) is not retried", async (t) => {
  const server = await scriptedServer((req, res) => problem(res, 503, { title: "Unavailable", status: 503 }));
  t.after(server.close);

  await assert.rejects(client(server.url).createWebhookEndpoint({ url: "https://app.example/hook", eventTypes: ["credits.low"] }), CreditsApiError);

  assert.equal(server.requests.length, 1);
});

test("the caller's signal cancels the call and its back-off", async (t) => {
  const server = await scriptedServer((req, res) => problem(res, 503, { title: "Unavailable", status: 503 }, { "retry-after": "30" }));
  t.after(server.close);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);

  const started = performance.now();
  await assert.rejects(client(server.url).getBalance("acme", { signal: controller.signal }));

  assert.ok(performance.now() - started < 5000);
  assert.equal(server.requests.length, 1);
});

test("an attempt that takes longer than timeoutMs is abandoned and retried", async (t) => {
  const server = await scriptedServer((req, res, body, i) => (i === 0 ? setTimeout(() => json(res, 200, {}), 2000) : json(res, 200, [])));
  t.after(server.close);

  assert.deepEqual(await client(server.url, { timeoutMs: 200 }).getRateCards(), []);
  assert.equal(server.requests.length, 2);
});

test("query values are encoded and dates sent as ISO 8601", async (t) => {
  const server = await scriptedServer((req, res) => json(res, 200, { features: [], members: [], days: [] }));
  t.after(server.close);

  await client(server.url).getUsage("org/1 a", { from: new Date("2026-12-01T00:00:00Z"), to: "2026-12-02T00:00:00Z" });
  await client(server.url).checkEntitlement("acme", 5, { memberId: "ada&bob" });

  assert.equal(server.requests[0].url, "/v1/customers/org%2F1%20a/usage?from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-02T00%3A00%3A00Z");
  assert.equal(server.requests[1].url, "/v1/customers/acme/entitlement?credits=5&memberId=ada%26bob");
});

test("the client needs a base URL and a key, and says which without their values", () => {
  assert.throws(() => new CreditsClient({ baseUrl: "", apiKey }), /baseUrl is required/);
  assert.throws(() => new CreditsClient({ baseUrl: "http://x", apiKey: "" }), /apiKey is required/);
});

test("the key is not shown when the client is logged or serialized", () => {
  const credits = new CreditsClient({ baseUrl: "http://127.0.0.1:1", apiKey });
  assert.ok(!inspect(credits, { depth: 10, showHidden: true }).includes(apiKey));
  assert.ok(!JSON.stringify(credits).includes(apiKey));
});
