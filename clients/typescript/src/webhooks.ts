/**
 * Verifies the Credits-Signature header of an outgoing webhook (docs/webhooks.md), in Stripe's scheme:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one `v1` per secret in use (two during a
 * rotation's overlap). Web Crypto only, so it runs on Node 18+ and on edge runtimes alike.
 */
import { webCrypto } from "./web-crypto.js";
import type { CreditsWebhookEvent } from "./webhook-events.js";

/** The header Credits signs its webhooks with. */
export const WEBHOOK_SIGNATURE_HEADER = "Credits-Signature";

/** The signature is missing, malformed, too old, or made with none of the secrets: answer 400 and do nothing. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSignatureError";
  }
}

export interface VerifyWebhookOptions {
  /** How far the signed timestamp may be from now, either way; 300 s by default. Refuses replayed captures. */
  toleranceSeconds?: number;
  /** The clock, for tests: unix seconds or a Date. */
  now?: number | Date;
}

const encoder = new TextEncoder();

/**
 * Checks `signatureHeader` against the raw body (the exact bytes received, before any JSON parsing) with any of
 * `secrets` (several during a rotation), then parses the event. Throws {@link WebhookSignatureError} otherwise.
 * An event type newer than this SDK still parses; its `data` is then whatever the body says.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | null | undefined,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<CreditsWebhookEvent> {
  const body = typeof rawBody === "string" ? encoder.encode(rawBody) : rawBody instanceof Uint8Array ? rawBody : new Uint8Array(rawBody);
  const keys = (typeof secrets === "string" ? [secrets] : [...secrets]).filter((s) => s.length > 0);
  if (keys.length === 0) throw new WebhookSignatureError("No webhook secret to verify with.");
  if (!signatureHeader) throw new WebhookSignatureError(`No ${WEBHOOK_SIGNATURE_HEADER} header.`);

  const pairs = signatureHeader.split(",").map((part) => {
    const at = part.indexOf("=");
    return at < 0 ? ["", ""] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
  });
  const t = pairs.find(([name]) => name === "t")?.[1];
  if (t === undefined || !/^\d+$/.test(t)) throw new WebhookSignatureError("The signature has no timestamp.");
  const candidates = pairs.filter(([name, value]) => name === "v1" && /^[0-9a-fA-F]{64}$/.test(value!)).map(([, value]) => fromHex(value!));
  if (candidates.length === 0) throw new WebhookSignatureError("The signature has no v1 entry.");

  const now = options.now === undefined ? Date.now() / 1000 : options.now instanceof Date ? options.now.getTime() / 1000 : options.now;
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - Number(t)) > tolerance) throw new WebhookSignatureError("The signature's timestamp is outside the tolerance.");

  const signed = concat(encoder.encode(t + "."), body);
  let matched = false;
  for (const secret of keys) {
    const expected = await hmacSha256(secret, signed);
    // Every candidate is compared in full, whatever matched before: the time taken says nothing about the secret.
    for (const candidate of candidates) matched = constantTimeEqual(candidate, expected) || matched;
  }
  if (!matched) throw new WebhookSignatureError("No v1 signature matches the secret(s).");

  return JSON.parse(new TextDecoder().decode(body)) as CreditsWebhookEvent;
}

/** The header Credits would send for `body` at `unixSeconds` (for tests of a receiver). */
export async function signWebhook(body: string, secrets: string | readonly string[], unixSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const signed = encoder.encode(`${unixSeconds}.${body}`);
  const list = typeof secrets === "string" ? [secrets] : secrets;
  const v1 = await Promise.all(list.map(async (secret) => "v1=" + toHex(await hmacSha256(secret, signed))));
  return [`t=${unixSeconds}`, ...v1].join(",");
}

async function hmacSha256(secret: string, data: Uint8Array): Promise<Uint8Array> {
  const { subtle } = await webCrypto();
  const key = await subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", key, data as BufferSource));
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
