import type { HttpValidationProblemDetails } from "./generated/openapi.js";

/**
 * An RFC 7807 problem as the Gateway answers every refusal (application/problem+json): `errors` names the offending
 * fields of a 400 (e.g. "events[2].credits"); other members (e.g. `inFlightOperationId` on a 409 for a plan change in
 * the way, `traceId`) are kept as they came.
 */
export interface ProblemDetails extends HttpValidationProblemDetails {
  [extension: string]: unknown;
}

/**
 * The Gateway refused a request, or still failed after the retries: the status, the problem it answered (one with
 * only the status and reason when the body was not problem details, e.g. from a proxy), and Retry-After in seconds
 * when it said one. The message names the method, path, status, title and detail: never a header, so never the key.
 */
export class CreditsApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails;
  readonly retryAfter: number | undefined;
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, status: number, problem: ProblemDetails, retryAfter?: number) {
    super(`${method} ${path} answered ${status} ${problem.title ?? ""}`.trimEnd() + (problem.detail ? `: ${problem.detail}` : ""));
    this.name = "CreditsApiError";
    this.method = method;
    this.path = path;
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The fields a 400 named, with their problems (empty otherwise). */
  get errors(): Record<string, string[]> {
    return this.problem.errors ?? {};
  }
}

/** A refusal's body as problem details, or the status and reason when it is something else (a proxy's page). */
export function problemFrom(status: number, reason: string, contentType: string | null, body: string): ProblemDetails {
  if (contentType?.includes("json")) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        const problem = parsed as ProblemDetails;
        return { ...problem, status: problem.status ?? status };
      }
    } catch {
      // Not problem details after all: the status is still told.
    }
  }
  return reason ? { status, title: reason } : { status };
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}
