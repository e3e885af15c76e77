// The SDK's types are generated from the Gateway's OpenAPI document: the generator's mapping, and (with the document
// the xunit driver fetched from the running Gateway, CREDITS_OPENAPI_FILE) that the committed file is current.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "../scripts/generate-types.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const script = join(root, "scripts", "generate-types.mjs");

const sample = {
  openapi: "3.1.1",
  components: {
    schemas: {
      Balance: {
        required: ["customerId", "available", "bySource", "periodEnd", "note"],
        type: "object",
        properties: {
          customerId: { type: "string" },
          available: { pattern: "^-?(?:0|[1-9]\\d*)$", type: ["integer", "string"], format: "int64" },
          cap: { pattern: "^-?(?:0|[1-9]\\d*)$", type: ["null", "integer", "string"], format: "int64" },
          bySource: { type: "object", additionalProperties: { type: "integer" } },
          periodEnd: { type: "string", format: "date-time" },
          note: { type: ["null", "string"] },
          kind: { $ref: "#/components/schemas/Kind" },
          entries: { type: "array", items: { $ref: "#/components/schemas/Entry" } },
          pricing: { oneOf: [{ type: "null" }, { $ref: "#/components/schemas/Entry" }] },
          status: { enum: ["pending", "delivered", "failed"], type: "string" },
          legacy: { type: "string", nullable: true },
        },
      },
      Entry: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
      Kind: { type: "integer" },
    },
  },
};

test("component schemas become types: required and optional, nullable, enums, arrays, maps and references", () => {
  const out = generate(sample);
  assert.match(out, /export interface Balance \{/);
  assert.match(out, /\n  customerId: string;/);
  assert.match(out, /\n  available: number;/, "a number the document also allows as a string is a number");
  assert.match(out, /\n  cap\?: number \| null;/);
  assert.match(out, /\n  bySource: Record<string, number>;/);
  assert.match(out, /\n  note: string \| null;/);
  assert.match(out, /\n  kind\?: Kind;/);
  assert.match(out, /\n  entries\?: Array<Entry>;/);
  assert.match(out, /\n  pricing\?: Entry \| null;/);
  assert.match(out, /\n  status\?: "pending" \| "delivered" \| "failed";/);
  assert.match(out, /\n  legacy\?: string \| null;/, "OpenAPI 3.0's nullable");
  assert.match(out, /export interface Entry \{\n  id: number;\n\}/);
  assert.match(out, /export type Kind = number;/);
});

test("--check fails, naming the type and the member, when the file is not what the document generates", () => {
  const dir = mkdtempSync(join(tmpdir(), "credits-sdk-types-"));
  try {
    const documentFile = join(dir, "openapi.json");
    const out = join(dir, "openapi.ts");
    writeFileSync(documentFile, JSON.stringify(sample));
    execFileSync(process.execPath, [script, documentFile, "--out", out]);
    assert.equal(spawnSync(process.execPath, [script, documentFile, "--check", "--out", out]).status, 0);

    writeFileSync(out, readFileSync(out, "utf8").replace("  note: string | null;", "  note: string;"));
    const check = spawnSync(process.execPath, [script, documentFile, "--check", "--out", out], { encoding: "utf8" });

    assert.equal(check.status, 1);
    assert.match(check.stderr, /~ Balance differs:/);
    assert.match(check.stderr, /- note: string;/);
    assert.match(check.stderr, /\+ note: string \| null;/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("src/generated/openapi.ts is what the running Gateway's OpenAPI document generates", { skip: process.env.CREDITS_OPENAPI_FILE ? false : "CREDITS_OPENAPI_FILE is not set (the xunit driver sets it)" }, () => {
  const check = spawnSync(process.execPath, [script, process.env.CREDITS_OPENAPI_FILE, "--check"], { encoding: "utf8" });
  assert.equal(check.status, 0, `the generated types are out of date:\n${check.stdout}${check.stderr}`);
});
