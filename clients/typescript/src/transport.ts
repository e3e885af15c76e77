import { CreditsApiError, problemFrom, retryAfterSeconds } from "./errors.js";
import { webCrypto } from "./web-crypto.js";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

export interface CreditsClientOptions {
  /** The Gateway's address, e.g. https://credits.example.com (the client adds /v1/...). */
  baseUrl: string;
  /** A Gateway API key, sent as Authorization: Bearer. Never logged, never put in an error message. */
  apiKey: string;
  /** A fetch to use instead of the global one (tests, instrumentation, a proxy). */
  fetch?: typeof fetch;
  /** Retries after a network error, 408, 429 or 500-504; 3 by default, 0 turns them off. */
  maxRetries?: number;
  /** Each attempt's timeout in milliseconds; 30 s by default. */
  timeoutMs?: number;
  /** The first back-off in milliseconds, doubled on each retry (with jitter); 250 by default. */
  retryBaseDelayMs?: number;
}

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call, its retries and their waits. */
  signal?: AbortSignal;
}

/** Options of a write the Gateway deduplicates by its Idempotency-Key. */
export interface IdempotentCallOptions extends CallOptions {
  /**
   * Your own key, stable across your own retries (after a crash, from a queue), so the Gateway applies the write at
   * most once however often it is sent. Without one the client chooses a key per call and keeps it for its retries.
   */
  idempotencyKey?: string;
}

export interface Request {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | Date | null | undefined>;
  body?: unknown;
  /**
   * The write is deduplicated by an Idempotency-Key: the caller's `idempotencyKey`, or one chosen here once per call.
   * Sent on every attempt, the same key, so a retried write is applied once.
   */
  idempotent?: boolean;
  idempotencyKey?: string | undefined;
  /** False for a write the Gateway would apply again (e.g. creating a webhook endpoint): sent once, never retried. */
  retry?: boolean;
  /** Answer null on 404 (a read of one thing that does not exist yet) instead of throwing. */
  nullOn404?: boolean;
  signal?: AbortSignal | undefined;
  /** For the balance stream: the response itself, unread, and no per-attempt timeout on its body. */
  raw?: boolean;
}

const RETRIED_STATUSES = new Set([408, 429, 500, 501, 502, 503, 504]);
/** A Retry-After longer than this is not waited for: the error is thrown with its retryAfter for the caller. */
const LONGEST_RETRY_AFTER_SECONDS = 60;

/**
 * Sends requests to the Gateway with the key, retrying what is safe to retry: every write the SDK sends is applied at
 * most once by the Gateway (usage by its event ids, the others by their Idempotency-Key, the reservation id, or
 * because they set a value), except those marked retry: false.
 */
export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #maxRetries: number;
  readonly #timeoutMs: number;
  readonly #baseDelayMs: number;

  constructor(options: CreditsClientOptions) {
    if (!options?.baseUrl) throw new TypeError("CreditsClient: baseUrl is required.");
    // The message names the setting, never its value.
    if (!options.apiKey) throw new TypeError("CreditsClient: apiKey is required.");
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#baseDelayMs = options.retryBaseDelayMs ?? 250;
  }

  /**
   * The parsed body of the successful answer (null for a 404 when nullOn404; the Response itself when raw), after the
   * retries; a refusal throws CreditsApiError.
   */
  async send<T>(request: Request): Promise<T> {
    const url = this.baseUrl + request.path + queryString(request.query);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#apiKey}`, Accept: request.raw ? "text/event-stream" : "application/json" };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    if (request.idempotent || request.idempotencyKey !== undefined) {
      headers[IDEMPOTENCY_KEY_HEADER] = request.idempotencyKey ?? (await newIdempotencyKey());
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const retries = request.retry === false ? 0 : this.#maxRetries;

    for (let attempt = 0; ; attempt++) {
      request.signal?.throwIfAborted();
      const attemptSignal = this.#attemptSignal(request.signal);
      try {
        let response: Response;
        let text: string;
        try {
          response = await this.#fetch(url, { method: request.method, headers, body, signal: attemptSignal.signal });
          if (response.ok && request.raw) {
            // A stream stays open: the timeout covered connecting, the caller's signal goes on covering the body.
            attemptSignal.connected();
            return response as T;
          }
          text = await response.text();
        } catch (error) {
          // The caller's own cancellation is not retried; a network error or the attempt's timeout is.
          if (request.signal?.aborted || attempt >= retries) throw error;
          await sleep(this.#backoff(attempt), request.signal);
          continue;
        }

        if (response.ok) return (text.length === 0 ? undefined : JSON.parse(text)) as T;
        if (response.status === 404 && request.nullOn404) return null as T;
        const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
        if (attempt < retries && RETRIED_STATUSES.has(response.status) && (retryAfter ?? 0) <= LONGEST_RETRY_AFTER_SECONDS) {
          await sleep(retryAfter !== undefined ? retryAfter * 1000 : this.#backoff(attempt), request.signal);
          continue;
        }
        // The path only: a query may carry a caller's values, and no header (the API key) is ever part of the message.
        throw new CreditsApiError(request.method, request.path, response.status,
          problemFrom(response.status, response.statusText, response.headers.get("content-type"), text), retryAfter);
      } finally {
        attemptSignal.release();
      }
    }
  }

  /** Exponential back-off with jitter (half to all of the doubled delay), so clients that failed together do not retry together. */
  #backoff(attempt: number): number {
    const ceiling = this.#baseDelayMs * 2 ** attempt;
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** The caller's signal joined with this attempt's timeout. */
  #attemptSignal(outer: AbortSignal | undefined): { signal: AbortSignal; connected(): void; release(): void } {
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException("The Credits request timed out.", "TimeoutError")), this.#timeoutMs);
    let streaming = false;
    return {
      signal: controller.signal,
      connected: () => {
        streaming = true;
        clearTimeout(timer);
      },
      release: () => {
        clearTimeout(timer);
        if (!streaming) outer?.removeEventListener("abort", onAbort);
      },
    };
  }
}

function queryString(query: Request["query"]): string {
  if (!query) return "";
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const text = value instanceof Date ? value.toISOString() : String(value);
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
  }
  return parts.length === 0 ? "" : "?" + parts.join("&");
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A new Idempotency-Key, chosen once per call. */
async function newIdempotencyKey(): Promise<string> {
  return (await webCrypto()).randomUUID();
}
