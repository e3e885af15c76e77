// The balance stream's reading of server-sent events and its reconnecting, against a local server that drops it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreditsClient, CreditsApiError } from "../dist/index.js";
import { scriptedServer, problem } from "../test-helpers/server.mjs";

const balance = (available) => ({ customerId: "acme", planId: "hobby", available, held: 0 });

test("events are parsed across chunks, CRLF and comments; a dropped connection is reconnected", async (t) => {
  const server = await scriptedServer((req, res, body, i) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (i === 0) {
      // The first event split mid-line, a keep-alive comment, then the connection drops.
      res.write(`event: balance\ndata: {"customerId":"acme","planId":"hobby",`);
      setTimeout(() => {
        res.write(`"available":200,"held":0}\n\n: keep-alive\n\n`);
        setTimeout(() => req.socket.destroy(), 50);
      }, 50);
    } else {
      res.write(`event: balance\r\ndata: ${JSON.stringify(balance(190))}\r\n\r\nevent: balance\r\ndata: ${JSON.stringify(balance(185))}\r\n\r\n`);
    }
  });
  t.after(server.close);
  const credits = new CreditsClient({ baseUrl: server.url, apiKey: "k" });
  const controller = new AbortController();

  const seen = [];
  for await (const b of credits.streamBalance("acme", { signal: controller.signal, reconnectDelayMs: 10 })) {
    seen.push(b.available);
    if (seen.length === 3) controller.abort();
  }

  assert.deepEqual(seen, [200, 190, 185]);
  assert.equal(server.requests.length, 2);
  assert.equal(server.requests[0].headers.accept, "text/event-stream");
  assert.equal(server.requests[0].headers.authorization, "Bearer k");
});

test("an expired stream ends the loop; a refusal is thrown, not retried", async (t) => {
  const server = await scriptedServer((req, res, body, i) => {
    if (req.url.includes("/nobody/")) return problem(res, 404, { title: "Unknown customer", status: 404 });
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`event: balance\ndata: ${JSON.stringify(balance(5))}\n\nevent: expired\ndata: {}\n\n`);
  });
  t.after(server.close);
  const credits = new CreditsClient({ baseUrl: server.url, apiKey: "k" });

  const seen = [];
  for await (const b of credits.streamBalance("acme")) seen.push(b.available);
  await assert.rejects(async () => { for await (const _ of credits.streamBalance("nobody")) { /* none */ } },
    (e) => e instanceof CreditsApiError && e.status === 404);

  assert.deepEqual(seen, [5]);
  assert.equal(server.requests.filter((r) => r.url.includes("/nobody/")).length, 1);
});
