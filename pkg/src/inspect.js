// inspect(): decode a grant WITHOUT verifying it, and lint it (src/inspect.rs via the wasm
// `inspect`). For clients and people who want to look at a grant before exchanging it (C12);
// the verdict that counts is IdJagVerifier.verify at the authorization server.
import { inspect as wasmInspect } from '../wasm/idjag.js';
import { verifierCore } from './core-verifier.js';

/**
 * Decodes `token` without checking its signature and returns `{ header, claims, findings }`.
 * Nothing it returns is trustworthy: use it to look, never to decide.
 *
 * @param {string} token the grant (compact JWS)
 * @param {{ audience?: string, resource?: string, clientId?: string, now?: Date }} [expect]
 * @returns {{ header: object | null, claims: object | null, findings: Array<{ code: string, severity: 'error' | 'warning' | 'info', message: string, rule: string, claim?: string }> }}
 */
export function inspect(token, expect = {}) {
  // A non-string must never reach the wasm string marshalling.
  if (typeof token !== 'string') throw new TypeError('inspect(token): token must be a string');
  if (expect === null || typeof expect !== 'object') throw new TypeError('inspect(token, expect): expect must be an object');
  const core = {};
  for (const name of ['audience', 'resource', 'clientId']) {
    const v = expect[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TypeError(`inspect(token, expect): expect.${name} must be a string`);
    core[name] = v;
  }
  const now = expect.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('inspect(token, expect): expect.now must be a valid Date');
  core.nowSec = now.getTime() / 1000;
  // The result crosses as JSON text: a "__proto__" member of the token stays an own property.
  const result = verifierCore.call(() => JSON.parse(wasmInspect(token, core)));
  return {
    header: result.header ?? null,
    claims: result.claims ?? null,
    findings: Array.isArray(result.findings) ? result.findings : [],
  };
}
