// The resource server's cache of verified access tokens (issue 14): the MCP steady state is one
// access token, many tool calls; a repeat costs a hash and a map lookup instead of a signature.
//
// What makes a cached verdict safe to reuse (the core decides, AccessTokenVerifier asks, this
// module only keeps):
//   - the key is SHA-256 of the token, never the token: a colliding key would accept a forged
//     token, so the hash is collision-resistant; only verified tokens enter, so a flood of
//     forged tokens cannot churn the cache;
//   - an entry records the key generation it was verified under and the window the core gave
//     with the verdict (src/server/access_token.rs verdict_window: usableFrom, usableUntil),
//     its end capped at maxAgeSec after its verification;
//   - LRU-bounded (a Map in insertion order, a hit moves the entry to the end).
//
// Where the hash comes from, measured on Node 20 (bench/reverify.mjs prints it): node:crypto's
// one-shot `hash()` ≈ 1 µs for a 500-byte token, `createHash()` ≈ 3 µs, the core's SHA-256 in
// wasm (`tokenDigest`, src/wasm/access_token.rs) a few µs, WebCrypto `subtle.digest` ≈ 35–50 µs
// (async: a round trip through the thread pool). So: node:crypto where the runtime has it (Node
// ≥ 20.16, Deno, Bun; reached with `process.getBuiltinModule`, no import, so the browser and
// workerd bundles stay as they are), else the wasm core (browsers, workerd), else WebCrypto.

export const DEFAULT_MAX_ENTRIES = 1000;
export const DEFAULT_MAX_AGE_SEC = 300;
/** Tokens longer than this are never hashed: the core refuses them anyway (policy.rs DEFAULT_MAX_TOKEN_BYTES). */
export const MAX_TOKEN_CHARS = 16384;

function nodeCrypto() {
  try {
    return globalThis.process?.getBuiltinModule?.('node:crypto') ?? null;
  } catch {
    return null;
  }
}

/**
 * The fastest SHA-256 of a string the runtime offers: `{ kind, digest(token) }`, where digest
 * returns a string (sync) or a Promise of one; null when there is none. `wasmDigest`: the
 * core's `tokenDigest` (b64url SHA-256), when the build has it. `nodeCrypto: null` (tests)
 * pretends the runtime has no node:crypto.
 */
export function tokenHasher({ wasmDigest, nodeCrypto: nc = nodeCrypto() } = {}) {
  // The token is ASCII once it verified (strict base64url and dots), so UTF-8 encoding (and its
  // replacement of lone surrogates) cannot make two different cached tokens share bytes.
  if (typeof nc?.hash === 'function') return { kind: 'node:crypto.hash', digest: (t) => nc.hash('sha256', t, 'base64url') };
  if (typeof nc?.createHash === 'function') return { kind: 'node:crypto.createHash', digest: (t) => nc.createHash('sha256').update(t, 'utf8').digest('base64url') };
  if (typeof wasmDigest === 'function') return { kind: 'wasm', digest: wasmDigest };
  const subtle = globalThis.crypto?.subtle;
  if (subtle && typeof subtle.digest === 'function' && typeof TextEncoder === 'function') {
    const enc = new TextEncoder();
    return {
      kind: 'webcrypto',
      digest: async (t) => {
        const d = new Uint8Array(await subtle.digest('SHA-256', enc.encode(t)));
        let s = '';
        for (let i = 0; i < d.length; i++) s += String.fromCharCode(d[i]);
        return s; // a 32-char binary string: a Map key as good as any
      },
    };
  }
  return null;
}

function deepFreeze(o) {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export class TokenCache {
  #map = new Map();
  #max;
  #maxAge;
  hits = 0;
  misses = 0;
  evictions = 0;

  /** @param {{ maxEntries: number, maxAgeSec: number }} o */
  constructor({ maxEntries, maxAgeSec }) {
    this.#max = maxEntries;
    this.#maxAge = maxAgeSec;
  }

  get maxEntries() { return this.#max; }
  get maxAgeSec() { return this.#maxAge; }
  get size() { return this.#map.size; }

  /**
   * The entry for `key` if usable at `nowSec` under key generation `keyGen`, else undefined
   * (a stale entry is dropped). Counts a hit or a miss.
   */
  get(key, nowSec, keyGen) {
    const e = this.#map.get(key);
    if (e !== undefined) {
      if (e.keyGen === keyGen && nowSec < e.until && nowSec >= e.from) {
        this.#map.delete(key); // LRU: to the end
        this.#map.set(key, e);
        this.hits += 1;
        return e;
      }
      if (e.keyGen !== keyGen || nowSec >= e.until) this.#map.delete(key);
    }
    this.misses += 1;
    return undefined;
  }

  /**
   * Keeps `info` (frozen: every hit hands out the same object) verified at `nowSec`.
   * `until`: the first second it is no longer usable; `from`: the first second it is (or −∞):
   * the core's window for the verdict, compared here, never computed.
   */
  set(key, info, { nowSec, until, from, keyGen }) {
    const entry = { info: deepFreeze(info), keyGen, until: Math.min(until, nowSec + this.#maxAge), from };
    this.#map.delete(key);
    this.#map.set(key, entry);
    while (this.#map.size > this.#max) {
      this.#map.delete(this.#map.keys().next().value);
      this.evictions += 1;
    }
    return entry;
  }

  clear() {
    this.#map.clear();
  }
}
