/**
 * Web Crypto wherever the SDK runs: the global `crypto` (Node 19+, browsers, Deno, Bun, edge runtimes), or on Node 18,
 * where it is only node:crypto's `webcrypto`. The specifier is a variable so that bundlers for edge runtimes, which
 * have the global, do not try to resolve a Node module.
 */
let nodeWebCrypto: Promise<Crypto> | undefined;

export function webCrypto(): Promise<Crypto> {
  const global = globalThis.crypto;
  if (global?.subtle && typeof global.randomUUID === "function") return Promise.resolve(global);
  const specifier = "node:crypto";
  nodeWebCrypto ??= import(/* webpackIgnore: true */ specifier).then(
    (module: { webcrypto?: Crypto }) => {
      if (!module.webcrypto?.subtle) throw new Error("Web Crypto is not available: Node 18+ or a runtime with globalThis.crypto is required.");
      return module.webcrypto;
    },
    () => {
      throw new Error("Web Crypto is not available: Node 18+ or a runtime with globalThis.crypto is required.");
    });
  return nodeWebCrypto;
}
