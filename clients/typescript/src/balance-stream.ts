import type { Transport } from "./transport.js";
import type { CreditBalance } from "./types.js";
import { CreditsApiError } from "./errors.js";

export interface StreamBalanceOptions {
  /** Ends the stream (the loop over it finishes without an error). */
  signal?: AbortSignal;
  /** How long to wait before reconnecting after the connection dropped; 1 s by default, doubling to 30 s. */
  reconnectDelayMs?: number;
}

/**
 * GET /v1/customers/{id}/balance/stream: server-sent events, read from fetch's body (no EventSource, so the API key
 * goes in a header). The Gateway sends the balance on connecting and again after every change, coalescing changes
 * that come faster; so after a dropped connection a reconnect starts with the balance as it is, and nothing an app
 * shows is missed but intermediate values. A refusal (unknown customer, wrong key) is thrown, not retried.
 */
export async function* streamBalance(transport: Transport, customerId: string, options: StreamBalanceOptions = {}): AsyncGenerator<CreditBalance> {
  const { signal } = options;
  const initialDelay = options.reconnectDelayMs ?? 1000;
  let delay = initialDelay;
  while (!signal?.aborted) {
    let response: Response;
    try {
      response = await transport.send<Response>({
        method: "GET",
        path: `/v1/customers/${encodeURIComponent(customerId)}/balance/stream`,
        raw: true,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    try {
      for await (const event of events(response.body!, signal)) {
        if (event.name === "expired") return;
        if (event.name === "balance" && event.data) {
          delay = initialDelay;
          yield JSON.parse(event.data) as CreditBalance;
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof CreditsApiError) throw error;
      // The connection dropped mid-stream: reconnect below.
    }
    if (signal?.aborted) return;
    await wait(delay, signal);
    delay = Math.min(delay * 2, 30_000);
  }
}

interface ServerSentEvent {
  name: string;
  data: string;
}

/** The events of a text/event-stream body (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
async function* events(body: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", cancel, { once: true });
  const decoder = new TextDecoder();
  let buffer = "";
  let name = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) yield { name: name || "message", data: data.join("\n") };
          name = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue; // a keep-alive comment
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = value;
        else if (field === "data") data.push(value);
      }
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
    cancel();
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
