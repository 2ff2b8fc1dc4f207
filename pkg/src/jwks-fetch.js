// Fetching an issuer's JWKS from `jwksUri` (I/O only; the keys are validated by the Rust
// core when handed over with setIssuerJwks). A fuller cache (refresh, unknown-kid refetch,
// backoff) replaces this later; keep it self-contained.

const TIMEOUT_MS = 5000;
const MAX_BYTES = 1 << 20;

/** Loopback hosts for which plain http is accepted (local IdPs, tests). */
function isLoopback(hostname) {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Parses and checks a jwksUri: https, or http on a loopback host; no credentials.
 * Returns the URL or throws an Error whose message says why.
 */
export function checkJwksUri(uri) {
  let url;
  try {
    url = new URL(uri);
  } catch {
    throw new Error('jwksUri is not an absolute url');
  }
  if (url.protocol === 'https:') {
    // ok
  } else if (url.protocol === 'http:') {
    if (!isLoopback(url.hostname)) throw new Error('jwksUri must use https (http only on loopback hosts)');
  } else {
    throw new Error('jwksUri must use https');
  }
  if (url.username || url.password) throw new Error('jwksUri must not carry credentials');
  return url;
}

/**
 * Fetches a JWKS document. Resolves to the parsed object (with a `keys` array) or rejects
 * with an Error saying what went wrong. Redirects are not followed.
 */
export async function fetchJwks(url, { timeoutMs = TIMEOUT_MS, fetchImpl = globalThis.fetch } = {}) {
  const checked = checkJwksUri(String(url));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let res;
    try {
      res = await fetchImpl(checked.href, {
        method: 'GET',
        headers: { accept: 'application/jwk-set+json, application/json' },
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (e) {
      throw new Error(controller.signal.aborted ? `timed out after ${timeoutMs} ms` : 'request failed', { cause: e });
    }
    if (res.status !== 200) {
      res.body?.cancel?.().catch(() => {});
      throw new Error(`http status ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (declared > MAX_BYTES) throw new Error('response too large');
    const text = await res.text();
    if (text.length > MAX_BYTES) throw new Error('response too large');
    let doc;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new Error('response is not json');
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray(doc.keys)) {
      throw new Error('response is not a json object with a keys array');
    }
    return doc;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads the keys of the issuers configured with `jwksUri` (and no inline `jwks`) into a
 * WasmVerifier, once each. Concurrent callers share one request per issuer; a failed
 * request is retried on the next call.
 */
export class JwksLoader {
  #pending = new Map(); // issuer -> URL, until its keys are set
  #inflight = new Map(); // issuer -> Promise<void>
  #setJwks;

  /**
   * @param {Array<{ issuer: unknown, jwks?: unknown, jwksUri?: unknown }>} issuers (already validated by the core)
   * @param {(issuer: string, jwks: object) => void} setJwks hands a fetched JWKS to the core; throws if it is refused
   */
  constructor(issuers, setJwks) {
    this.#setJwks = setJwks;
    for (const i of Array.isArray(issuers) ? issuers : []) {
      if (i && typeof i.jwksUri === 'string' && i.jwks === undefined) {
        this.#pending.set(i.issuer, checkJwksUri(i.jwksUri));
      }
    }
  }

  /** True while some issuer's keys have not been loaded yet. */
  get pending() {
    return this.#pending.size > 0;
  }

  /**
   * Fetches every issuer still pending. Resolves to the list of failures
   * (`{ issuer, error }`), empty when all loaded.
   */
  async loadPending() {
    const jobs = [...this.#pending.keys()].map((issuer) => this.#load(issuer).then(
      () => null,
      (error) => ({ issuer, error }),
    ));
    return (await Promise.all(jobs)).filter((f) => f !== null);
  }

  #load(issuer) {
    let p = this.#inflight.get(issuer);
    if (!p) {
      p = (async () => {
        const url = this.#pending.get(issuer);
        if (!url) return;
        const jwks = await fetchJwks(url);
        this.#setJwks(issuer, jwks);
        this.#pending.delete(issuer);
      })().finally(() => this.#inflight.delete(issuer));
      this.#inflight.set(issuer, p);
    }
    return p;
  }
}
