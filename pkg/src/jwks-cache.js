// JwksCache: the one loader of remote keys (issue 10). Every key source goes through it, with
// one policy: an IdP's `jwksUri` or discovered keys (IdJagVerifier), a private_key_jwt client's
// `jwksUri` (the token endpoint), the authorization server's keys (AccessTokenVerifier), and
// `import()` of an exported state. It does I/O only: every set is parsed by the Rust core's key
// layer (src/jose/jwk.rs, via `inspectJwks`), key by key; unusable keys are set aside (reported through
// `onKeysSetAside`) and a set is refused only when no usable key remains.
//
//   get(uri)        the keys, fetched when absent or past their TTL
//   refresh(uri)    one refetch (unknown kid), at most one fetch per 30 s per URL
//   discover(iss)   jwks_uri from RFC 8414 / OpenID Connect metadata (issuer checked, RFC 8414 §3.3)
//   export/import   the state as JSON, so short-lived isolates can keep it in KV
//
// Which URLs may be fetched is the core's answer (src/fetch_policy.rs url_problem, through
// urls.js): https only (http on loopback), no credentials, no fragment; an https issuer's
// metadata may not name a plain-http jwks_uri. The fetch itself: no redirects, 5 s timeout,
// 64 KiB body read while streaming (the core takes at most 100 keys). TTL from Cache-Control
// clamped to [1 min, 24 h], default 10 min. When a fetch fails the last good keys are served
// until 1 h past their expiry. The core is told how long it may use a set (`freshUntilMs`):
// the TTL, or while stale the next retry (30 s); past it, the core asks the loader again, so
// a removed key stops verifying once its TTL has passed, whoever uses it.
import { inspectJwks, verifierCore } from './core-verifier.js';
import { jsonText } from './core.js';
import { configError } from './errors.js';
import { BodyTooLargeError, readCapped } from './read-capped.js';
import { checkUrl, urlProblem } from './urls.js';
import { checkOptions, is, readClock } from './options.js';

/** Package-internal: `cache[loadKeys](uri, { refresh })` → `{ text, docId, freshUntilMs }`. */
export const loadKeys = Symbol('idjag.loadKeys');
/** Package-internal: `cache[loaderNow]()` → the loader's clock (epoch ms), on which freshness is judged. */
export const loaderNow = Symbol('idjag.loaderNow');
/** Package-internal: `cache[metadataFreshUntil](issuer)` → until when discovered metadata is fresh (epoch ms). */
export const metadataFreshUntil = Symbol('idjag.metadataFreshUntil');

export const DEFAULT_TIMEOUT_SEC = 5;
const MAX_BYTES = 64 * 1024;
const DEFAULT_TTL_MS = 10 * 60_000;
const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3600_000;
const STALE_MS = 3600_000;
const MIN_FETCH_INTERVAL_MS = 30_000;
const DEFAULT_MAX_ENTRIES = 1000;
// Imported entries fetched "in the future" by more than this are junk (clock skew between hosts).
const IMPORT_SKEW_MS = 60_000;
// 2: times in epoch seconds (issue 13); a version-1 state (epoch ms) imports nothing.
const EXPORT_VERSION = 2;

// ---------------------------------------------------------------------------------------------
// URLs

/**
 * Parses a JWKS URL and asks the core whether it may be fetched (urls.js). Returns the URL;
 * throws IdJagError ERR_CONFIG saying why (`what` names it). `check`: `checkUrlIfReady` in
 * constructors (a browser still loading the wasm: the core checks where the URL is fetched).
 */
export function checkJwksUri(value, what = 'jwksUri', check = checkUrl) {
  return check(value, what);
}

/** An issuer to discover: a JWKS-style URL without a query either (RFC 8414 §2). */
export function checkIssuerUrl(issuer, what = 'issuer', check = checkUrl) {
  if (typeof issuer !== 'string') throw configError(`${what} must be a url string`);
  const url = checkJwksUri(issuer, what, check);
  if (url.search) throw configError(`${what} must not have a query to be discovered`);
  return url;
}

/** Before a URL is checked in an async path: the wasm core that checks it is there. */
async function coreReady() {
  if (!verifierCore.available()) await verifierCore.ready();
}

/** RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path. */
function wellKnownInserted(url, suffix) {
  const path = url.pathname === '/' ? '' : url.pathname;
  return new URL(`${url.origin}/.well-known/${suffix}${path}`);
}

/** The metadata URLs to try, in the MCP authorization spec's order. */
function metadataUrls(issuerUrl) {
  const urls = [wellKnownInserted(issuerUrl, 'oauth-authorization-server'), wellKnownInserted(issuerUrl, 'openid-configuration')];
  if (issuerUrl.pathname !== '/') {
    // OpenID Connect Discovery 1.0 §4: appended to the issuer (what most IdPs with a path serve).
    urls.push(new URL(`${issuerUrl.href.replace(/\/+$/, '')}/.well-known/openid-configuration`));
  }
  return urls;
}

// ---------------------------------------------------------------------------------------------
// Messages: at most 64 characters of anything a remote server or a caller chose, one line.

function clip(value, max = 64) {
  const s = String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
const quote = (v) => (typeof v === 'string' ? JSON.stringify(clip(v)) : v === undefined ? 'nothing' : typeof v);
const where = (url) => clip(`${url.origin}${url.pathname}`);

/** A fetch that failed with an HTTP status (discovery moves on to the next URL). */
class StatusError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// ---------------------------------------------------------------------------------------------
// Documents

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function deepFreeze(v) {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

let nextDocId = 1;

/**
 * A JWK Set (JSON text) through the core's key layer: `{ text, keys, report, docId }`, frozen.
 * `keys` is the set as JSON (for `get()`), `report` the core's `{ usable, setAside }`. Throws an
 * Error saying why when it is not a JWK Set or leaves no usable key.
 */
function parseJwks(text) {
  let report;
  try {
    report = verifierCore.call(() => JSON.parse(inspectJwks(text)));
  } catch (e) {
    const why = typeof e?.message === 'string' ? e.message.replace(/^jwks:?\s*/, '') : 'invalid';
    throw new Error(`jwks refused: ${why}`, { cause: e });
  }
  const keys = JSON.parse(text).keys;
  return deepFreeze({ text, keys: { keys }, report, docId: nextDocId++ });
}

/** Checks RFC 8414 / OIDC metadata fetched for `issuer` and returns `{ issuer, jwksUri }`. */
function validateMetadata(doc, issuer, issuerUrl, at) {
  if (!isObject(doc)) throw new Error(`metadata at ${where(at)} is not a json object`);
  // RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer must be exactly the one we asked for.
  if (doc.issuer !== issuer) {
    throw new Error(`metadata at ${where(at)} names issuer ${quote(doc.issuer)}, not ${quote(issuer)}${nearMiss(doc.issuer, issuer)}`);
  }
  if (typeof doc.jwks_uri !== 'string') throw new Error(`metadata at ${where(at)} has no jwks_uri`);
  const jwksUrl = checkJwksUri(doc.jwks_uri, 'the metadata jwks_uri');
  // Named by the issuer's metadata: the core decides with the issuer's URL too (an https issuer
  // may not send us to a plain-http loopback service).
  const problem = urlProblem(jwksUrl, issuerUrl);
  if (problem) throw new Error(`metadata jwks_uri ${quote(doc.jwks_uri)} ${problem}`);
  return deepFreeze({ issuer, jwksUri: jwksUrl.href });
}

function nearMiss(actual, expected) {
  if (typeof actual !== 'string') return '';
  if (actual.replace(/\/+$/, '') === expected.replace(/\/+$/, '')) return ' (they differ only by a trailing slash)';
  if (actual.toLowerCase() === expected.toLowerCase()) return ' (they differ only in letter case)';
  return '';
}

// ---------------------------------------------------------------------------------------------
// HTTP

/**
 * TTL of a response, in ms: Cache-Control `max-age` minus `Age`, clamped to [1 min, 24 h].
 * `s-maxage` is for the IdP's CDN and other intermediaries, not for this client: ignored.
 * `no-store` (or no usable max-age) → 10 min: the keys must be kept anyway; `no-cache` → the
 * 1 min minimum, the closest to "revalidate each time" the clamp allows.
 */
export function ttlFromHeaders(headers) {
  const cc = headers.get('cache-control');
  let maxAge = null;
  let noStore = false;
  let noCache = false;
  let conflict = false;
  if (cc) {
    for (const part of cc.split(',')) {
      const eq = part.indexOf('=');
      const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
      const value = eq < 0 ? '' : part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'no-store') noStore = true;
      else if (name === 'no-cache') noCache = true;
      else if (name === 'max-age') {
        const n = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
        // RFC 9111 §4.2.1: an invalid or repeated max-age is treated as stale.
        if (Number.isNaN(n) || maxAge !== null) conflict = true;
        else maxAge = n;
      }
    }
  }
  if (noStore) return DEFAULT_TTL_MS;
  if (noCache || conflict) return MIN_TTL_MS;
  if (maxAge === null) return DEFAULT_TTL_MS;
  const age = headers.get('age');
  const ageSec = age !== null && /^\d{1,10}$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, (maxAge - ageSec) * 1000));
}

// ---------------------------------------------------------------------------------------------
// The cache

/**
 * Remote JWK Sets and issuer metadata, cached per URL. See pkg/index.d.ts for the contract.
 *
 * An entry: `{ doc, fetchedAt, expiresAt, lastAttemptAt, inflight }`. `doc` is the
 * last good document (frozen); it is served while `now < expiresAt` (fresh), and after a failed
 * fetch until `expiresAt + 1 h` (stale). A URL is fetched at most once per 30 s while it has a
 * usable document; without one, every call may fetch (one request at a time per URL).
 */
export class JwksCache {
  #fetch;
  #now;
  #timeoutMs;
  #maxEntries;
  #onKeysSetAside;
  #entries = new Map(); // 'jwks <href>' | 'meta <issuer>' → entry, least recently used first

  /**
   * @param {{ fetch?: typeof fetch, now?: () => number, timeoutSec?: number, maxEntries?: number,
   *   onKeysSetAside?: (event: { url: string, setAside: Array<{ index: number, kid?: string, reason: string }> }) => void }} [options]
   *   `now`: the clock, epoch seconds (default the system clock)
   */
  constructor(options) {
    checkOptions(options, 'options', 'JwksCache', {
      fetch: is.function,
      now: is.clock,
      timeoutSec: is.positiveNumber,
      maxEntries: is.positiveInteger,
      onKeysSetAside: is.function,
    }, { optional: true });
    const { fetch: fetchImpl, now, timeoutSec = DEFAULT_TIMEOUT_SEC, maxEntries = DEFAULT_MAX_ENTRIES, onKeysSetAside } = options ?? {};
    if (now !== undefined) readClock(now, 'options.now');
    this.#fetch = fetchImpl;
    // The caller's clock is epoch seconds (checked at every reading); inside, the cache keeps
    // epoch ms (its snapshots' `freshUntilMs`, package-internal).
    this.#now = now === undefined ? Date.now : () => readClock(now, 'options.now') * 1000;
    this.#timeoutMs = timeoutSec * 1000;
    this.#maxEntries = maxEntries;
    this.#onKeysSetAside = onKeysSetAside;
  }

  /**
   * The JWK Set at `uri`: from the cache while fresh, else fetched (concurrent callers share
   * one request). Rejects with an Error saying why when no usable keys can be had.
   */
  async get(uri) {
    await coreReady();
    const url = checkJwksUri(uri, 'jwks uri');
    return (await this.#obtain(`jwks ${url.href}`, () => this.#fetchJwks(url), false)).keys;
  }

  /**
   * Fetches `uri` again (an unknown `kid`), unless it was fetched less than 30 s ago; resolves
   * to the current set — a new object when a fetch brought one. `_options.reason`
   * ('unknown-kid', …) is informational: every refresh obeys the 30 s limit.
   */
  async refresh(uri, _options = {}) {
    await coreReady();
    const url = checkJwksUri(uri, 'jwks uri');
    return (await this.#obtain(`jwks ${url.href}`, () => this.#fetchJwks(url), true)).keys;
  }

  /**
   * Package-internal, for the key consumers: the set at `uri` as the core takes it (JSON text),
   * with how long the core may use it before asking again (`freshUntilMs`: the TTL; while a
   * stale copy is served because the source fails, the next retry). `refresh`: an unknown kid.
   */
  [loaderNow]() {
    return this.#now();
  }

  [metadataFreshUntil](issuer) {
    const e = this.#entries.get(`meta ${issuer}`);
    const now = this.#now();
    if (e?.doc && now < e.expiresAt) return e.expiresAt;
    return Math.min(now + MIN_FETCH_INTERVAL_MS, (e?.expiresAt ?? now) + STALE_MS);
  }

  async [loadKeys](uri, { refresh = false } = {}) {
    await coreReady();
    const url = checkJwksUri(uri, 'jwks uri');
    const key = `jwks ${url.href}`;
    const doc = await this.#obtain(key, () => this.#fetchJwks(url), refresh);
    const e = this.#entries.get(key);
    const now = this.#now();
    let freshUntilMs = e && e.doc === doc ? e.expiresAt : now + MIN_TTL_MS;
    if (freshUntilMs <= now) {
      // Stale, served because the source failed: ask again after the retry interval, never
      // past the stale bound.
      freshUntilMs = Math.min(now + MIN_FETCH_INTERVAL_MS, (e?.expiresAt ?? now) + STALE_MS);
    }
    return { text: doc.text, docId: doc.docId, freshUntilMs };
  }

  /**
   * The `jwks_uri` of `issuer`, from its RFC 8414 metadata
   * (`/.well-known/oauth-authorization-server`, inserted before the path), falling back to
   * OpenID Connect discovery. The metadata's `issuer` must equal `issuer` exactly.
   */
  async discover(issuer) {
    await coreReady();
    const issuerUrl = checkIssuerUrl(issuer);
    const doc = await this.#obtain(`meta ${issuer}`, () => this.#fetchMetadata(issuer, issuerUrl), false);
    return doc.jwksUri;
  }

  /** The usable entries as a JSON-serialisable object, for `import` in another instance. */
  export() {
    const now = this.#now();
    const entries = [];
    for (const [key, e] of this.#entries) {
      if (!e.doc || now >= e.expiresAt + STALE_MS) continue;
      const times = { fetchedAt: e.fetchedAt / 1000, expiresAt: e.expiresAt / 1000 };
      if (key.startsWith('jwks ')) entries.push({ kind: 'jwks', url: key.slice(5), jwks: e.doc.keys, ...times });
      else entries.push({ kind: 'metadata', issuer: e.doc.issuer, jwksUri: e.doc.jwksUri, ...times });
    }
    return { version: EXPORT_VERSION, entries };
  }

  /**
   * Adds the entries of an `export()` (the object or its JSON text; null: nothing). Junk entries are skipped,
   * every set is validated again, a TTL is never longer than 24 h and nothing is kept past
   * expiry + 1 h. An entry never replaces a newer one. Returns how many were taken.
   */
  import(state) {
    if (state === null || state === undefined) return 0; // nothing stored yet (KV get → null)
    if (typeof state === 'string') {
      try {
        state = JSON.parse(state);
      } catch {
        return 0;
      }
    }
    if (!isObject(state)) throw new TypeError('JwksCache.import(state): state must be an object from export()');
    if (state.version !== EXPORT_VERSION || !Array.isArray(state.entries)) return 0;
    const now = this.#now();
    let taken = 0;
    for (const item of state.entries.slice(0, this.#maxEntries)) {
      const parsed = this.#parseImported(item, now);
      if (!parsed) continue;
      const current = this.#entries.get(parsed.key);
      if (current?.doc && current.fetchedAt >= parsed.fetchedAt) continue;
      const e = current ?? newEntry();
      e.doc = parsed.doc;
      e.fetchedAt = parsed.fetchedAt;
      e.expiresAt = parsed.expiresAt;
      // The fetch that produced it counts towards the 30 s limit here too.
      e.lastAttemptAt = Math.max(e.lastAttemptAt ?? -Infinity, parsed.fetchedAt);
      this.#put(parsed.key, e);
      taken += 1;
    }
    return taken;
  }

  #parseImported(item, now) {
    if (!isObject(item)) return null;
    if (!Number.isFinite(item.fetchedAt) || !Number.isFinite(item.expiresAt)) return null;
    // Exported in epoch seconds; kept in ms.
    const fetchedAt = item.fetchedAt * 1000;
    const expiresAt = item.expiresAt * 1000;
    if (fetchedAt > now + IMPORT_SKEW_MS || expiresAt < fetchedAt) return null;
    const exp = Math.min(expiresAt, fetchedAt + MAX_TTL_MS);
    if (now >= exp + STALE_MS) return null;
    try {
      if (item.kind === 'jwks') {
        const url = checkJwksUri(item.url);
        // The imported set goes through the core like a fetched one (bounded depth and size).
        return { key: `jwks ${url.href}`, doc: parseJwks(jsonText(item.jwks, 'imported jwks')), fetchedAt, expiresAt: exp };
      }
      if (item.kind === 'metadata' && typeof item.issuer === 'string') {
        const issuerUrl = checkIssuerUrl(item.issuer);
        const doc = validateMetadata({ issuer: item.issuer, jwks_uri: item.jwksUri }, item.issuer, issuerUrl, issuerUrl);
        return { key: `meta ${item.issuer}`, doc, fetchedAt, expiresAt: exp };
      }
    } catch {
      // junk: skipped
    }
    return null;
  }

  // The one place that decides whether to fetch.
  #obtain(key, fetchDoc, force) {
    const now = this.#now();
    const e = this.#entries.get(key) ?? newEntry();
    this.#put(key, e);
    if (!force && e.doc && now < e.expiresAt) return Promise.resolve(e.doc);
    if (e.inflight) return e.inflight;
    const usable = e.doc && now < e.expiresAt + STALE_MS;
    // At most one fetch per 30 s per URL while something usable is cached (unknown-kid
    // refetches, and retries of a failing IdP while stale keys are served).
    if (usable && now - e.lastAttemptAt < MIN_FETCH_INTERVAL_MS) return Promise.resolve(e.doc);
    e.lastAttemptAt = now;
    e.inflight = (async () => {
      try {
        const { doc, ttlMs } = await fetchDoc();
        const at = this.#now();
        e.doc = doc;
        e.fetchedAt = at;
        e.expiresAt = at + ttlMs;
        return doc;
      } catch (err) {
        if (e.doc && this.#now() < e.expiresAt + STALE_MS) return e.doc; // stale, within 1 h
        const message = err instanceof Error ? err.message : String(err);
        const expired = e.doc ? `; the last good copy (fetched ${new Date(e.fetchedAt).toISOString()}) expired over 1 h ago` : '';
        throw new Error(`${message}${expired}`, { cause: err });
      } finally {
        e.inflight = null;
      }
    })();
    return e.inflight;
  }

  #put(key, entry) {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size <= this.#maxEntries) return;
    for (const [k, old] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries) break;
      if (!old.inflight && k !== key) this.#entries.delete(k);
    }
  }

  async #fetchJwks(url) {
    const { text, ttlMs } = await this.#fetchText(url);
    let doc;
    try {
      if (!verifierCore.available()) await verifierCore.ready(); // a browser still loading the wasm
      doc = parseJwks(text);
    } catch (e) {
      throw new Error(`${where(url)}: ${e.message}`, { cause: e.cause ?? e });
    }
    if (doc.report.setAside.length > 0 && this.#onKeysSetAside) {
      try {
        this.#onKeysSetAside({ url: url.href, setAside: doc.report.setAside });
      } catch {
        // a diagnostics sink must not change the outcome
      }
    }
    return { doc, ttlMs };
  }

  async #fetchMetadata(issuer, issuerUrl) {
    const misses = [];
    for (const url of metadataUrls(issuerUrl)) {
      let got;
      try {
        got = await this.#fetchText(url);
      } catch (e) {
        // Not there (404, a redirect, …): try the next well-known URL. Anything else (timeout,
        // network, oversized, not json) stops here rather than costing three timeouts.
        if (e instanceof StatusError) {
          misses.push(`${url.pathname} (http ${e.status})`);
          continue;
        }
        throw e;
      }
      let body;
      try {
        body = JSON.parse(got.text);
      } catch {
        throw new Error(`${where(url)}: response is not json`);
      }
      return { doc: validateMetadata(body, issuer, issuerUrl, url), ttlMs: got.ttlMs };
    }
    throw new Error(`no metadata for issuer ${quote(issuer)}: ${clip(misses.join(', '), 200)}`);
  }

  /** GET `url` → `{ text, ttlMs }` (UTF-8); rejects with an Error naming the URL (never following redirects). */
  async #fetchText(url) {
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new Error('no global fetch; pass options.fetch');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const timedOut = () => new Error(`${where(url)}: timed out after ${this.#timeoutMs / 1000} s`);
    try {
      let res;
      try {
        // 'manual' rather than 'error': not every runtime (workerd) implements 'error'.
        res = await fetchImpl(url.href, {
          method: 'GET',
          headers: { accept: 'application/jwk-set+json, application/json' },
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (e) {
        if (controller.signal.aborted) throw timedOut();
        // undici: TypeError('fetch failed') with the socket error (ECONNREFUSED, …) as cause.
        const detail = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.message === 'string' ? e.message : '';
        throw new Error(`${where(url)}: request failed${detail ? ` (${clip(detail, 64)})` : ''}`, { cause: e });
      }
      if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
        res.body?.cancel?.().catch(() => {});
        throw new StatusError(`${where(url)} answered with a redirect, which is not followed`, res.status);
      }
      if (res.status !== 200) {
        res.body?.cancel?.().catch(() => {});
        throw new StatusError(`${where(url)}: http status ${res.status}`, res.status);
      }
      let bytes;
      try {
        bytes = await readCapped(res, MAX_BYTES);
      } catch (e) {
        if (controller.signal.aborted) throw timedOut();
        if (e instanceof BodyTooLargeError) throw new Error(`response from ${where(url)} is larger than ${MAX_BYTES} bytes`);
        throw e;
      } finally {
        // Done with the connection either way: an oversized body is not drained.
        controller.abort();
      }
      let text;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new Error(`${where(url)}: response is not utf-8`);
      }
      return { text, ttlMs: ttlFromHeaders(res.headers) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function newEntry() {
  return { doc: null, fetchedAt: 0, expiresAt: 0, lastAttemptAt: -Infinity, inflight: null };
}
