// IdJagVerifier: the JS face of WasmVerifier. Every check is made by the Rust core; this
// class converts arguments, maps errors to IdJagError and does the I/O the core cannot
// (fetching jwksUri / discovered keys through a JwksCache, consuming the jti in a possibly
// remote replay store).
import { WasmVerifier, inspect as wasmInspect } from '../wasm/idjag.js';
import { IdJagError, callWasm, configError, fromWasm, keyError, malformed, replayError } from './errors.js';
import { JwksCache, checkIssuerUrl, checkJwksUri } from './jwks-cache.js';
import { MemoryReplayStore } from './replay.js';

/** Package-internal steps of verify(), used by the token endpoint. */
export const verifyUnconsumed = Symbol('idjag.verifyUnconsumed');
export const consumeGrant = Symbol('idjag.consumeGrant');

export class IdJagVerifier {
  #core;
  #store; // null in 'reusable' mode
  #remote; // issuer → { issuer, uri | null (discover), loaded: the JWKS object last given to the core }
  #cache;

  /** @param {import('../index.js').VerifierOptions} options */
  constructor(options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw configError('options must be an object');
    }
    const { replayStore, jwksCache, fetch: fetchImpl, ...coreOptions } = options;
    if (replayStore !== undefined && (replayStore === null || typeof replayStore.consume !== 'function')) {
      throw configError('replayStore must have a consume(key, expiresAtMs) method');
    }
    const core = callWasm(() => new WasmVerifier(coreOptions));
    try {
      this.#remote = remoteIssuers(coreOptions.issuers);
      this.#cache = pickCache(jwksCache, fetchImpl, this.#remote.size > 0);
    } catch (e) {
      core.free();
      throw e instanceof IdJagError ? e : configError(e.message);
    }
    this.#core = core;
    this.#store = core.replayMode() === 'single-use' ? (replayStore ?? new MemoryReplayStore()) : null;
  }

  /**
   * @param {string} token the ID-JAG (the `assertion` parameter)
   * @param {{ clientId: string, now?: Date, scope?: string, resource?: string }} ctx
   */
  async verify(token, ctx) {
    const checked = await this[verifyUnconsumed](token, ctx);
    await this[consumeGrant](checked, checked.nowMs);
    return checked.grant;
  }

  // For the token endpoint (same package, not public API): every check but replay, so the
  // endpoint can settle what it must (the token's single resource) before the jti is burned.
  async [verifyUnconsumed](token, ctx) {
    // The assertion comes straight from a request body and may be any JSON value. A non-string
    // must never reach the wasm string marshalling (it writes out of bounds and traps).
    if (typeof token !== 'string') throw malformed('token is not a string');
    if (ctx === null || typeof ctx !== 'object') throw new TypeError('verify(token, ctx): ctx must be an object');
    const now = ctx.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('ctx.now must be a valid Date');
    const nowMs = now.getTime();
    const coreCtx = { clientId: ctx.clientId, nowSec: nowMs / 1000 };
    if (ctx.scope !== undefined) coreCtx.scope = ctx.scope;
    if (ctx.resource !== undefined) coreCtx.resource = ctx.resource;

    const { replayKey, replayUntil, checks, ...grant } = await this.#verifyLoadingKeys(token, coreCtx);
    if (grant.tenant == null) delete grant.tenant; // the core may send null
    return { grant, replayKey, replayUntil, checks: checks ?? [], nowMs };
  }

  // R29: the jti is consumed only now, after every other check passed.
  async [consumeGrant]({ replayKey, replayUntil }, nowMs) {
    if (!this.#store) return;
    let fresh;
    try {
      fresh = await this.#store.consume(replayKey, replayUntil * 1000, nowMs);
    } catch (e) {
      if (e instanceof IdJagError && e.code === 'ERR_REPLAY') throw e; // e.g. MemoryReplayStore full
      throw replayError('replay store failed; grant refused', e);
    }
    if (fresh === false) throw replayError('grant already used');
    if (fresh !== true) throw replayError('replay store failed; consume() must return a boolean');
  }

  // Keys of `jwksUri` / `discover` issuers come from the JwksCache. The core answers ERR_KEY
  // while an issuer has no keys or none with the token's kid: then the issuer's keys are
  // loaded (first use) or refetched once (the cache allows one fetch per 30 s per URL) and
  // the token is verified once more. After a success the cache is asked whether the keys
  // the core used are still current (no fetch while fresh); if not, verified again.
  async #verifyLoadingKeys(token, coreCtx) {
    let grant;
    let keyErr;
    try {
      grant = this.#core.verify(token, coreCtx);
    } catch (e) {
      const err = fromWasm(e);
      if (!(err instanceof IdJagError && err.code === 'ERR_KEY') || this.#remote.size === 0) throw err;
      keyErr = err;
    }
    const src = this.#remote.get(grant ? grant.issuer : this.#issuerOf(token));
    if (!src) {
      if (grant) return grant;
      throw keyErr;
    }
    // The keys the core just used (no await since); a concurrent call may install newer ones.
    const used = src.loaded;
    const jwks = await this.#keysOf(src, !grant && used !== null);
    if (jwks === used) {
      if (grant) return grant;
      throw keyErrorOf(keyErr, src, '; not refetched (at most once per 30 s, or the idp did not answer)');
    }
    if (jwks !== src.loaded) this.#install(src, jwks);
    try {
      return callWasm(() => this.#core.verify(token, coreCtx));
    } catch (e) {
      throw keyErrorOf(e, src, ', even after fetching it');
    }
  }

  /** The issuer's current JWKS from the cache (refetched when `unknownKid`); ERR_KEY if none. */
  async #keysOf(src, unknownKid) {
    try {
      const uri = src.uri ?? (await this.#cache.discover(src.issuer));
      return unknownKid ? await this.#cache.refresh(uri, { reason: 'unknown-kid' }) : await this.#cache.get(uri);
    } catch (e) {
      const why = e instanceof Error ? e.message : 'failed';
      throw keyError(`could not load the jwks of ${quote(src.issuer)}: ${why}`, e);
    }
  }

  #install(src, jwks) {
    try {
      callWasm(() => this.#core.setIssuerJwks(src.issuer, jwks));
    } catch (e) {
      // A JwksCache validates every set with the core, so only a foreign cache gets here.
      throw keyError(`the jwks of ${quote(src.issuer)} was refused: ${e?.message ?? 'invalid'}`, e);
    }
    src.loaded = jwks;
  }

  // `iss` of a token the core refused with ERR_KEY, read (unverified, only to pick keys, as
  // the core does) with the core's own strict decoder.
  #issuerOf(token) {
    try {
      const iss = wasmInspect(token, { nowSec: Date.now() / 1000 })?.claims?.iss;
      return typeof iss === 'string' ? iss : undefined;
    } catch {
      return undefined;
    }
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
      const url = checkJwksUri(opt.jwksUri, `issuers[${i}].jwksUri`);
      remote.set(opt.issuer, { issuer: opt.issuer, uri: url.href, loaded: null });
    } else if (opt.discover === true) {
      checkIssuerUrl(opt.issuer, `issuers[${i}].issuer`);
      remote.set(opt.issuer, { issuer: opt.issuer, uri: null, loaded: null });
    }
  }
  return remote;
}

/** `jwksCache` (shared) or, when `needed`, a new JwksCache for this verifier using `fetch`. */
function pickCache(jwksCache, fetchImpl, needed) {
  if (fetchImpl !== undefined && typeof fetchImpl !== 'function') throw configError('fetch must be a function');
  if (jwksCache !== undefined) {
    // `fetch` is then unused: the shared cache fetches with its own.
    const ok = jwksCache !== null && ['get', 'refresh', 'discover'].every((m) => typeof jwksCache[m] === 'function');
    if (!ok) throw configError('jwksCache must be a JwksCache');
    return jwksCache;
  }
  return needed ? new JwksCache({ fetch: fetchImpl }) : null;
}

// Issuer identifiers come from our configuration, but keep messages short anyway.
function quote(s) {
  const str = String(s);
  return str.length > 64 ? `${str.slice(0, 64)}…` : str;
}
