// IdJagVerifier: the JS face of WasmVerifier. Every check is made by the Rust core; this
// class converts arguments, maps errors to IdJagError and does the I/O the core cannot:
// loading the keys the core asks for (its `keysNeeded` answer) through the one loader
// (JwksCache), and consuming the jti in a possibly remote replay store.
import { WasmVerifier, grantConsumed, verifierCore } from './core-verifier.js';
import { jsonText } from './core.js';
import { IdJagError, keyError, malformed } from './errors.js';
import { JwksCache, checkIssuerUrl, checkJwksUri, loadKeys, loaderNow, metadataFreshUntil } from './jwks-cache.js';
import { checkUrlIfReady } from './urls.js';
import { MemoryReplayStore } from './replay.js';
import { checkOptions, is, nowSec, readClock } from './options.js';

/** Package-internal steps of verify(), used by the token endpoint. */
export const verifyUnconsumed = Symbol('idjag.verifyUnconsumed');
export const consumeGrant = Symbol('idjag.consumeGrant');

/**
 * A replay store's answer (`ReplayStore.consume`, docs/internals.md) in the core's terms:
 * `{ kind: 'fresh' | 'already-used' | 'store-failed', message?, cause? }`. true is a first use,
 * false a key already recorded; a throw, a rejection or anything else is a failed store (an
 * ERR_REPLAY a store threw, e.g. MemoryReplayStore full, keeps its message). I/O glue: the
 * verdict is the core's (grantConsumed; the token endpoint's exchange).
 */
export async function storeAnswer(store, key, until, at) {
  let fresh;
  try {
    // Epoch seconds, like every time in idjag's API (issue 13).
    fresh = await store.consume(key, until, at);
  } catch (e) {
    const own = e instanceof IdJagError && e.code === 'ERR_REPLAY';
    return { kind: 'store-failed', message: own ? e.message : 'replay store failed; grant refused', cause: e };
  }
  if (fresh === true) return { kind: 'fresh' };
  if (fresh === false) return { kind: 'already-used' };
  return { kind: 'store-failed', message: 'replay store failed; consume() must return a boolean' };
}
/** Package-internal (the token endpoint): a remote issuer's keys from the loader, and the grants' replay store. */
export const issuerKeys = Symbol('idjag.issuerKeys');
export const grantStore = Symbol('idjag.grantStore');

/** Package-internal: how messages name the options (the token endpoint's are `options.grants`). */
export const optionsPath = Symbol('idjag.optionsPath');

const replayStoreCheck = Object.assign((v) => v !== null && typeof v === 'object' && typeof v.consume === 'function', {
  what: 'a ReplayStore (an object with a consume(key, expiresAt, nowSec) method)',
});

// src/grant/options.rs VerifierOptions (the JSON document the core takes).
const CORE_OPTIONS = [
  'audience', 'issuers', 'resources', 'requireResource', 'algorithms', 'clockToleranceSec', 'maxLifetimeSec',
  'maxTokenBytes', 'replay', 'allowAuthorizationDetails', 'scopeRequest', 'policy', 'tenant', 'audTenant', 'audSub',
];

/** Most rounds of "the core asks for keys, the loader brings them" per verification. */
const MAX_KEY_ROUNDS = 2;

export class IdJagVerifier {
  #optionsText;
  #core = null;
  #generation = -1;
  #store; // null in 'reusable' mode; undefined until the core object exists (see constructor)
  #replayStore; // the replayStore option
  #remote; // issuer → { issuer, uri | null (discover), installed: loader snapshot | null }
  #cache;
  #now;
  #path;

  /** @param {import('../index.js').VerifierOptions} options */
  constructor(options) {
    const path = options?.[optionsPath] ?? 'options';
    // The members the JS layer owns are checked here; the core's (CORE_OPTIONS) are typed by
    // the core, with the same wording (src/options_de.rs).
    checkOptions(options, path, 'IdJagVerifier', {
      replayStore: replayStoreCheck,
      jwksCache: is.instance(JwksCache, 'a JwksCache'),
      fetch: is.function,
      now: is.clock,
      onDecision: is.function,
    }, { passThrough: CORE_OPTIONS });
    const { replayStore, jwksCache, fetch: fetchImpl, now, onDecision: _onDecision, ...coreOptions } = options;
    if (now !== undefined) readClock(now, `${path}.now`); // `now: Date.now` is refused here, not at the first request
    this.#now = now;
    this.#path = path;
    this.#optionsText = jsonText(coreOptions, path);
    this.#remote = new Map();
    // In a browser the wasm may still be loading (src/core.js): the core then checks the
    // options at the first verify(), which waits for it, instead of here.
    const core = verifierCore.available() ? this.#live() : null;
    this.#remote = remoteIssuers(coreOptions.issuers);
    this.#cache = pickCache(jwksCache, fetchImpl, now, this.#remote.size > 0);
    this.#replayStore = replayStore;
    if (core) this.#settleStore(core);
  }

  #settleStore(core) {
    this.#store = core.replayMode() === 'single-use' ? (this.#replayStore ?? new MemoryReplayStore()) : null;
  }

  /**
   * @param {string} token the ID-JAG (the `assertion` parameter)
   * @param {{ clientId: string, now?: () => number, scope?: string, resource?: string }} ctx
   *   `now`: the verification time (epoch seconds), over the constructor's `now`
   */
  async verify(token, ctx) {
    const checked = await this[verifyUnconsumed](token, ctx);
    await this[consumeGrant](checked, checked.nowSec);
    return checked.grant;
  }

  // For the token endpoint (same package, not public API): every check but replay, so the
  // endpoint can settle what it must (the token's single resource) before the jti is burned.
  async [verifyUnconsumed](token, ctx) {
    // The assertion comes straight from a request body and may be any JSON value. A non-string
    // must never reach the wasm string marshalling.
    if (typeof token !== 'string') throw malformed('token is not a string');
    checkOptions(ctx, 'ctx', 'verify()', { 'clientId!': is.string, now: is.clock, scope: is.string, resource: is.string });
    if (this.#store === undefined) {
      await verifierCore.ready();
      this.#settleStore(this.#live());
    }
    const at = nowSec(ctx.now, 'ctx.now', this.#now, `${this.#path}.now`);
    const coreCtx = { clientId: ctx.clientId, nowSec: at };
    if (ctx.scope !== undefined) coreCtx.scope = ctx.scope;
    if (ctx.resource !== undefined) coreCtx.resource = ctx.resource;

    const { replayKey, replayUntil, checks, ...grant } = await this.#verifyLoadingKeys(token, coreCtx);
    if (grant.tenant == null) delete grant.tenant; // the core may send null
    return { grant, replayKey, replayUntil, checks: checks ?? [], nowSec: at };
  }

  // The store is asked only now, after the core accepted everything else; what its answer means
  // for the grant is the core's (src/grant/replay.rs Consumed::grant_verdict, wasm `grantConsumed`,
  // the same the token endpoint applies).
  async [consumeGrant]({ replayKey, replayUntil }, at) {
    if (!this.#store) return;
    const answer = await storeAnswer(this.#store, replayKey, replayUntil, at);
    try {
      const fresh = answer.kind === 'fresh' ? true : answer.kind === 'already-used' ? false : undefined;
      verifierCore.call(() => grantConsumed(fresh, answer.message ?? ''));
    } catch (e) {
      // The store's own error stays reachable (never on the wire: `cause` is not serialised).
      if (answer.cause !== undefined && e instanceof IdJagError && e.cause === undefined) e.cause = answer.cause;
      throw e;
    }
  }

  /** The core object of the current wasm instance, rebuilt (keys reinstalled) after a restart. */
  #live() {
    if (this.#core && this.#generation === verifierCore.generation) return this.#core;
    const core = verifierCore.call(() => verifierCore.track(new WasmVerifier(this.#optionsText, this.#path)));
    for (const src of this.#remote.values()) {
      if (src.installed) verifierCore.call(() => core.setIssuerJwks(src.issuer, src.installed.text, src.installed.freshUntilMs / 1000));
    }
    this.#core = core;
    this.#generation = verifierCore.generation;
    return core;
  }

  // The core answers `keysNeeded` (source issuer, kid, reason: absent | expired | unknown-kid)
  // when an issuer's remote keys are missing, past their freshness, or lack the token's kid.
  // The loader brings them (a refetch for an unknown kid obeys its cooldown) and the core is
  // asked again; what it then answers is final.
  async #verifyLoadingKeys(token, coreCtx) {
    let fetched = false; // a new set was installed during this verification
    for (let round = 0; ; round += 1) {
      let err;
      // Remote keys' freshness is judged on the loader's clock, which set it.
      if (this.#cache) coreCtx.keysNowSec = this.#cache[loaderNow]() / 1000;
      try {
        const ctxText = JSON.stringify(coreCtx);
        return verifierCore.call(() => JSON.parse(this.#live().verify(token, ctxText)));
      } catch (e) {
        err = e;
      }
      const needed = err instanceof IdJagError ? err.keysNeeded : undefined;
      const src = needed?.source === 'issuer' ? this.#remote.get(needed.id) : undefined;
      if (!src || round >= MAX_KEY_ROUNDS) throw err;
      const snapshot = await this.#keysOf(src, needed.reason);
      if (needed.reason === 'unknown-kid' && snapshot.docId === src.installed?.docId) {
        throw keyErrorOf(err, src, fetched ? ', even after fetching it' : '; not refetched (at most once per 30 s, or the idp did not answer)');
      }
      fetched ||= snapshot.docId !== src.installed?.docId;
      this.#install(src, snapshot);
    }
  }

  // For the token endpoint, whose core object (src/server/endpoint.rs) holds the grants' keys: the
  // loader's snapshot of a remote issuer's keys, `{ snapshot }`, or `{ failed: why }`.
  async [issuerKeys](issuer, reason) {
    const src = this.#remote.get(issuer);
    if (!src) return { failed: 'its keys are not remote' };
    try {
      return { snapshot: await this.#load(src, reason) };
    } catch (e) {
      return { failed: e instanceof Error ? e.message : 'failed' };
    }
  }

  /** The store the grants' (iss, jti) are consumed in (the core's replay key); null when grants are reusable. */
  async [grantStore]() {
    if (this.#store === undefined) {
      await verifierCore.ready();
      this.#settleStore(this.#live());
    }
    return this.#store;
  }

  async #load(src, reason) {
    const uri = src.uri ?? (await this.#cache.discover(src.issuer));
    const snapshot = await this.#cache[loadKeys](uri, { refresh: reason === 'unknown-kid' });
    if (src.uri) return snapshot;
    // Discovered keys are only as fresh as the metadata that named their jwks_uri.
    return { ...snapshot, freshUntilMs: Math.min(snapshot.freshUntilMs, this.#cache[metadataFreshUntil](src.issuer)) };
  }

  /** The issuer's keys from the loader (a refetch for an unknown kid); ERR_KEY if none. */
  async #keysOf(src, reason) {
    try {
      return await this.#load(src, reason);
    } catch (e) {
      const why = e instanceof Error ? e.message : 'failed';
      throw keyError(`could not load the jwks of ${quote(src.issuer)}: ${why}`, e);
    }
  }

  #install(src, snapshot) {
    const core = this.#live();
    try {
      verifierCore.call(() => core.setIssuerJwks(src.issuer, snapshot.text, snapshot.freshUntilMs / 1000));
    } catch (e) {
      throw keyError(`the jwks of ${quote(src.issuer)} was refused: ${e?.message ?? 'invalid'}`, e);
    }
    src.installed = snapshot;
  }
}

/** An ERR_KEY of the core (`no key with kid "…"`) with the issuer and what was tried added. */
function keyErrorOf(err, src, tried) {
  if (!(err instanceof IdJagError && err.code === 'ERR_KEY')) return err;
  const out = new IdJagError('ERR_KEY', `${err.message} in the jwks of ${quote(src.issuer)}${tried}`, {
    oauthError: err.oauthError,
    claim: err.claim,
  });
  if (err.checks) Object.defineProperty(out, 'checks', { value: err.checks, enumerable: false });
  return out;
}

/** The issuers whose keys are remote, checked (ERR_CONFIG) at construction. */
function remoteIssuers(issuers) {
  const remote = new Map();
  for (const [i, opt] of (Array.isArray(issuers) ? issuers : []).entries()) {
    if (!opt || opt.jwks !== undefined) continue;
    if (typeof opt.jwksUri === 'string') {
      const url = checkJwksUri(opt.jwksUri, `issuers[${i}].jwksUri`, checkUrlIfReady);
      remote.set(opt.issuer, { issuer: opt.issuer, uri: url.href, installed: null });
    } else if (opt.discover === true) {
      checkIssuerUrl(opt.issuer, `issuers[${i}].issuer`, checkUrlIfReady);
      remote.set(opt.issuer, { issuer: opt.issuer, uri: null, installed: null });
    }
  }
  return remote;
}

/** `jwksCache` (shared) or, when `needed`, a new JwksCache for this verifier using `fetch` and `now`. */
function pickCache(jwksCache, fetchImpl, now, needed) {
  // `fetch` and `now` are then unused for keys: the shared cache has its own.
  if (jwksCache !== undefined) return jwksCache;
  if (!needed) return null;
  const options = {};
  if (fetchImpl !== undefined) options.fetch = fetchImpl;
  if (now !== undefined) options.now = now;
  return new JwksCache(options);
}

// Issuer identifiers come from our configuration, but keep messages short anyway.
function quote(s) {
  const str = String(s);
  return str.length > 64 ? `${str.slice(0, 64)}…` : str;
}
