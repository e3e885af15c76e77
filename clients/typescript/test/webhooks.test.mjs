// The webhook verifier against signatures made here with node:crypto, independently of the SDK's own signer,
// in the scheme of docs/webhooks.md and src/Persistence/Webhooks/WebhookSignature.cs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { verifyWebhook, signWebhook, WebhookSignatureError } from "../dist/index.js";

const secret = "whsec_0123456789abcdef0123456789abcdef";
const other = "whsec_fedcba9876543210fedcba9876543210";
const now = 1_796_165_463;
const body = JSON.stringify({
  id: "evt_0b1e6a1c9f7d4c6e8a1f2b3c4d5e6f70", type: "credits.low", apiVersion: "2026-12-01", createdAt: "2026-12-01T22:51:03.120+00:00",
  data: { customerId: "acme-42 — ünïcode", planId: "hobby", threshold: 50, available: 40, occurredAt: "2026-12-01T22:51:03.101+00:00" },
});

const v1 = (key, t, raw) => createHmac("sha256", Buffer.from(key, "utf8")).update(`${t}.${raw}`, "utf8").digest("hex");
const header = (t, ...keys) => [`t=${t}`, ...keys.map((k) => `v1=${v1(k, t, body)}`)].join(",");

test("a signature made with the secret verifies and the event is parsed", async () => {
  const event = await verifyWebhook(body, header(now, secret), secret, { now });
  assert.equal(event.type, "credits.low");
  assert.equal(event.data.threshold, 50);
  assert.equal(event.data.customerId, "acme-42 — ünïcode");
});

test("the raw body verifies as bytes too (a Buffer or ArrayBuffer from the request)", async () => {
  const bytes = Buffer.from(body, "utf8");
  await verifyWebhook(bytes, header(now, secret), secret, { now });
  await verifyWebhook(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), header(now, secret), secret, { now });
});

test("a tampered body is refused", async () => {
  await assert.rejects(verifyWebhook(body.replace('"available":40', '"available":4000'), header(now, secret), secret, { now }), WebhookSignatureError);
  await assert.rejects(verifyWebhook(body + " ", header(now, secret), secret, { now }), WebhookSignatureError);
});

test("a signature made with another secret is refused", async () => {
  await assert.rejects(verifyWebhook(body, header(now, other), secret, { now }), /No v1 signature matches/);
});

test("a timestamp outside the tolerance is refused, either way, and the tolerance can be set", async () => {
  await assert.rejects(verifyWebhook(body, header(now - 301, secret), secret, { now }), /outside the tolerance/);
  await assert.rejects(verifyWebhook(body, header(now + 301, secret), secret, { now }), /outside the tolerance/);
  await verifyWebhook(body, header(now - 300, secret), secret, { now });
  await verifyWebhook(body, header(now - 3600, secret), secret, { now, toleranceSeconds: 3601 });
  await verifyWebhook(body, header(now - 10, secret), secret, { now: new Date((now) * 1000) });
});

test("the signed timestamp cannot be swapped for a fresh one", async () => {
  const stale = header(now - 3600, secret);
  const replayed = stale.replace(`t=${now - 3600}`, `t=${now}`);
  await assert.rejects(verifyWebhook(body, replayed, secret, { now }), /No v1 signature matches/);
});

test("with two v1 signatures (a rotation's overlap) either secret verifies", async () => {
  const both = header(now, other, secret);
  await verifyWebhook(body, both, secret, { now });
  await verifyWebhook(body, both, other, { now });
  await assert.rejects(verifyWebhook(body, both, "whsec_neither", { now }), WebhookSignatureError);
});

test("a receiver rotating its own secret accepts the old and the new one", async () => {
  await verifyWebhook(body, header(now, other), [secret, other], { now });
  await verifyWebhook(body, header(now, secret), [secret, other], { now });
});

test("a missing or malformed header is refused", async () => {
  for (const bad of [undefined, null, "", "v1=abc", `t=${now}`, `t=abc,v1=${v1(secret, now, body)}`, `t=${now},v1=zz`, `t=${now},v0=${v1(secret, now, body)}`]) {
    await assert.rejects(verifyWebhook(body, bad, secret, { now }), WebhookSignatureError, String(bad));
  }
  await assert.rejects(verifyWebhook(body, header(now, secret), [], { now }), WebhookSignatureError);
});

test("signWebhook makes the header the server makes", async () => {
  assert.equal(await signWebhook(body, [secret, other], now), header(now, secret, other));
});

test("without a global crypto (some Node 18 builds) node:crypto's webcrypto is used", async () => {
  const { spawnSync } = await import("node:child_process");
  const script = `
    Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true });
    const sdk = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
    const header = await sdk.signWebhook("{}", "whsec_x", 100);
    await sdk.verifyWebhook("{}", header, "whsec_x", { now: 100 });
    console.log(typeof globalThis.crypto, header);`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), `undefined t=100,v1=${createHmac("sha256", "whsec_x").update("100.{}").digest("hex")}`);
});
