// inspect(): decode a grant WITHOUT verifying it, and lint it (src/grant/inspect.rs via the wasm
// `inspect`). For clients and people who want to look at a grant before exchanging it (a client
// need not verify it); the verdict that counts is IdJagVerifier.verify at the authorization server.
import { jsonText } from './core.js';
import { inspect as wasmInspect, inspectJwks as wasmInspectJwks, verifierCore } from './core-verifier.js';
import { checkOptions, is, nowSec } from './options.js';

/**
 * Decodes `token` without checking its signature and returns `{ header, claims, findings }`.
 * Nothing it returns is trustworthy: use it to look, never to decide.
 *
 * @param {string} token the grant (compact JWS)
 * @param {{ audience?: string, resource?: string, clientId?: string, now?: () => number }} [expect]
 *   `now`: the time to judge exp/nbf/iat against (epoch seconds); default the system clock
 * @returns {{ header: object | null, claims: object | null, findings: Array<{ code: string, severity: 'error' | 'warning' | 'info', message: string, rule: string, claim?: string }> }}
 */
export function inspect(token, expect) {
  // A non-string must never reach the wasm string marshalling.
  if (typeof token !== 'string') throw new TypeError('inspect(token): token must be a string');
  checkOptions(expect, 'expect', 'inspect()', { audience: is.string, resource: is.string, clientId: is.string, now: is.clock }, { optional: true });
  const core = {};
  for (const name of ['audience', 'resource', 'clientId']) if (expect?.[name] !== undefined) core[name] = expect[name];
  core.nowSec = nowSec(expect?.now, 'expect.now');
  // The result crosses as JSON text: a "__proto__" member of the token stays an own property.
  const coreText = JSON.stringify(core);
  const result = verifierCore.call(() => JSON.parse(wasmInspect(token, coreText)));
  return {
    header: result.header ?? null,
    claims: result.claims ?? null,
    findings: Array.isArray(result.findings) ? result.findings : [],
  };
}

/**
 * What idjag's key layer makes of a JWK Set, without trusting anything in it: the usable keys
 * (`{ index, kid?, kty, algs }`) and the keys set aside with the reason (`{ index, kid?, reason }`:
 * a legacy RSA-1024 key, `use: enc`, a short EC coordinate, private material, a duplicated kid…).
 * Throws IdJagError ERR_CONFIG when the document is not a JWK Set or leaves no usable key.
 *
 * @param {{ keys: object[] } | string} jwks the set, or its JSON text
 * @returns {{ usable: Array<{ index: number, kid?: string, kty: string, algs: string[] }>, setAside: Array<{ index: number, kid?: string, reason: string }> }}
 */
export function inspectJwks(jwks) {
  const text = typeof jwks === 'string' ? jwks : jsonText(jwks, 'jwks');
  return verifierCore.call(() => JSON.parse(wasmInspectJwks(text)));
}
