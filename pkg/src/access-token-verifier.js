// AccessTokenVerifier: the MCP server (resource server) side. The Rust core checks the RFC 9068
// access token of every call (src/server/access_token.rs `verify_at`, `require_scopes`); this class
// loads the keys it asks for, keeps verified tokens, and answers the MCP SDK's
// `OAuthTokenVerifier` interface, so it plugs into `requireBearerAuth` of
// `@modelcontextprotocol/server` as its `verifier`.
import { WasmAccessTokenVerifier, isScopeToken, requireScopes, tokenDigest, verifierCore } from './core-verifier.js';
import { jsonText } from './core.js';
import { IdJagError, configError, keyError } from './errors.js';
import { JwksCache, checkJwksUri, loadKeys, loaderNow } from './jwks-cache.js';
import { checkUrlIfReady } from './urls.js';
import { DEFAULT_MAX_AGE_SEC, DEFAULT_MAX_ENTRIES, MAX_TOKEN_CHARS, TokenCache, tokenHasher } from './token-cache.js';
import { checkOptions, is, member, nowSec as clockSec, readClock } from './options.js';

const WIRE_DESCRIPTIONS = {
  invalid_token: 'the access token is not valid',
  insufficient_scope: 'the access token lacks a required scope',
};
const OWN_OPTIONS = ['jwksUri', 'jwksCache', 'fetch', 'OAuthError', 'requiredScopes', 'cache', 'isRevoked', 'now'];
// src/wasm/access_token.rs Options: typed by the core, same wording (src/options_de.rs).
const CORE_OPTIONS = ['issuer', 'audience', 'jwks', 'algorithms', 'clockToleranceSec'];
// The core's SHA-256 for the cache key where there is no node:crypto (both wasm builds have it;
// the shared instance's glue is looked up at each call, src/core-verifier.js).
const WASM_DIGEST = (token) => verifierCore.call(() => tokenDigest(token));

/** `cache` option → `{ maxEntries, maxAgeSec }`, or null (off). */
function cacheOptions(cache) {
  if (cache === false) return null;
  if (cache === undefined || cache === true) return { maxEntries: DEFAULT_MAX_ENTRIES, maxAgeSec: DEFAULT_MAX_AGE_SEC };
  if (cache === null || typeof cache !== 'object' || Array.isArray(cache)) throw configError('options.cache must be false or { maxEntries?, maxAgeSec? }');
  for (const k of Object.keys(cache)) {
    if (k !== 'maxEntries' && k !== 'maxAgeSec') throw configError(`${member('options.cache', k)} is not an option of AccessTokenVerifier (expected one of maxEntries, maxAgeSec)`);
  }
  const { maxEntries = DEFAULT_MAX_ENTRIES, maxAgeSec = DEFAULT_MAX_AGE_SEC } = cache;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 1_000_000) throw configError('options.cache.maxEntries must be an integer from 1 to 1000000');
  if (typeof maxAgeSec !== 'number' || !(maxAgeSec > 0) || maxAgeSec > 86_400) throw configError('options.cache.maxAgeSec must be a number of seconds above 0, at most 86400');
  return { maxEntries, maxAgeSec };
}

// A required-scope list, each entry one that the core says is a scope token (RFC 6749 §3.3;
// src/grant/claims.rs is_scope_token), else ERR_CONFIG; back as the space-separated list the
// core's `requireScopes` takes. Array.from: a hole of a sparse array is undefined, not a string.
function checkedScopes(list, what) {
  const scopes = Array.from(list);
  const ok = verifierCore.call(() => scopes.every((s) => typeof s === 'string' && isScopeToken(s)));
  if (!ok) throw configError(`${what} must be an array of scope tokens (RFC 6749 §3.3)`);
  return scopes.join(' ');
}

export class AccessTokenVerifier {
  #optionsText;
  #core = null;
  #generation = -1;
  #jwksUri = null;
  #cache = null;
  #installed = null; // the loader's snapshot the core holds (jwksUri only)
  #OAuthError;
  #requiredScopes; // the option as given, until the core checked it
  #required = null; // the core-checked list, space-separated
  #resource;
  #tokens = null; // TokenCache of verified tokens (issue 14), null when off
  #hasher = null;
  #keyGen = 0; // bumped when the installed key set changes: cached verdicts of older keys are void
  #isRevoked;
  #now;

  /**
   * @param {import('../index.js').AccessTokenVerifierOptions} options
   */
  constructor(options) {
    // The JS layer's members are checked here; the core's (CORE_OPTIONS) by the core, same wording.
    checkOptions(options, 'options', 'AccessTokenVerifier', {
      jwksUri: is.string, jwksCache: is.instance(JwksCache, 'a JwksCache'), fetch: is.function,
      OAuthError: is.function, requiredScopes: is.stringArray, cache: is.any, isRevoked: is.function, now: is.clock,
    }, { passThrough: CORE_OPTIONS });
    if (options.now !== undefined) readClock(options.now, 'options.now');
    this.#now = options.now;
    const core = {};
    for (const [k, v] of Object.entries(options)) if (!OWN_OPTIONS.includes(k) && v !== undefined) core[k] = v;
    const { jwksUri, jwksCache, fetch: fetchImpl, OAuthError, requiredScopes = [], cache, isRevoked } = options;
    if (isRevoked !== undefined && typeof isRevoked !== 'function') throw configError('isRevoked must be a function (claims) => boolean | Promise<boolean>');
    const cacheOpts = cacheOptions(cache);
    if ((core.jwks === undefined) === (jwksUri === undefined)) throw configError('options: give exactly one of jwks or jwksUri');
    if (OAuthError !== undefined && typeof OAuthError !== 'function') throw configError('OAuthError must be the OAuthError class of @modelcontextprotocol/server');
    if (!Array.isArray(requiredScopes)) throw configError('requiredScopes must be an array of scope tokens (RFC 6749 §3.3)');
    if (jwksCache !== undefined && !(jwksCache instanceof JwksCache)) throw configError('jwksCache must be a JwksCache');
    if (jwksUri !== undefined) {
      try {
        this.#jwksUri = checkJwksUri(jwksUri, 'jwksUri', checkUrlIfReady).href;
      } catch (e) {
        throw configError(e.message);
      }
      this.#cache = jwksCache ?? new JwksCache({ ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(this.#now ? { now: this.#now } : {}) });
    }
    this.#optionsText = jsonText(core, 'options');
    // In a browser the wasm may still be loading (src/core.js): the core checks the options
    // at the first verify() then.
    this.#requiredScopes = Array.from(requiredScopes);
    if (verifierCore.available()) {
      this.#live();
      this.#required = checkedScopes(this.#requiredScopes, 'requiredScopes');
    }
    this.#OAuthError = OAuthError;
    this.#resource = core.audience;
    this.#isRevoked = isRevoked;
    this.#hasher = cacheOpts ? tokenHasher({ wasmDigest: WASM_DIGEST }) : null;
    if (this.#hasher) this.#tokens = new TokenCache(cacheOpts);
  }

  /**
   * The cache of verified tokens: hits, misses, evictions, entries, and its bounds; `enabled`
   * false when it is off (`cache: false`, or no SHA-256 in this runtime); `hash` says which.
   */
  cacheStats() {
    const t = this.#tokens;
    if (!t) return { enabled: false, hits: 0, misses: 0, evictions: 0, entries: 0, maxEntries: 0, maxAgeSec: 0, hash: null };
    return { enabled: true, hits: t.hits, misses: t.misses, evictions: t.evictions, entries: t.size, maxEntries: t.maxEntries, maxAgeSec: t.maxAgeSec, hash: this.#hasher.kind };
  }

  /**
   * The core's access-token check. Resolves to what the token says; rejects with IdJagError
   * (ERR_SCOPE when a required scope is missing, which maps to 403 insufficient_scope; any other
   * code is 401).
   * @param {string} token
   * @param {{ now?: () => number, requiredScopes?: string[] }} [options] `now`: epoch seconds, over the constructor's
   */
  async verify(token, options) {
    if (typeof token !== 'string') throw new IdJagError('ERR_MALFORMED', 'token is not a string', { oauthError: 'invalid_grant' });
    checkOptions(options, 'options', 'AccessTokenVerifier.verify()', { now: is.clock, requiredScopes: is.stringArray }, { optional: true });
    const nowSec = clockSec(options?.now, 'options.now', this.#now, 'options.now');
    if (!verifierCore.available()) await verifierCore.ready(); // a browser still loading the wasm
    this.#required ??= checkedScopes(this.#requiredScopes, 'requiredScopes');
    const required = options?.requiredScopes === undefined ? this.#required : checkedScopes(options.requiredScopes, 'options.requiredScopes');
    const tokens = this.#tokens;
    let info;
    if (tokens === null || token.length > MAX_TOKEN_CHARS) {
      info = (await this.#fromCore(token, nowSec)).info;
    } else {
      // A cached verdict is reused only under the same keys, still fresh on the loader's clock
      // (else the core would ask for them again: a removed key must stop verifying), and inside
      // the window the core gave with it (usableFrom ≤ now < usableUntil: where its time check
      // passes, src/server/access_token.rs verdict_window).
      let key = this.#hasher.digest(token);
      if (typeof key !== 'string') key = await key;
      const snap = this.#installed;
      const keysFresh = !this.#jwksUri || (snap !== null && this.#cache[loaderNow]() < snap.freshUntilMs);
      let entry = keysFresh ? tokens.get(key, nowSec, this.#keyGen) : undefined;
      if (!keysFresh) tokens.misses += 1;
      if (entry === undefined) {
        const r = await this.#fromCore(token, nowSec);
        entry = tokens.set(key, r.info, { nowSec, keyGen: r.keyGen, until: r.usableUntil, from: r.usableFrom });
      }
      info = entry.info;
    }
    // Checked on every call, hit or miss: revocation (the hook), then the core's scope check with
    // this call's scopes.
    if (this.#isRevoked) {
      let revoked = this.#isRevoked(info.claims);
      if (revoked !== null && typeof revoked?.then === 'function') revoked = await revoked;
      if (revoked) throw new IdJagError('ERR_POLICY', 'the access token was revoked', { oauthError: 'invalid_grant' });
    }
    // Every required scope granted, else ERR_SCOPE: the core's check (src/server/access_token.rs
    // require_scopes), applied to this call's scopes whether the verdict is fresh or cached.
    if (required !== '') {
      const granted = info.scopes.join(' ');
      verifierCore.call(() => requireScopes(granted, required));
    }
    return info;
  }

  /**
   * The core's check without required scopes (`verify` checks them on every call, so a cached
   * verdict serves any scope set). Returns `{ info, usableFrom, usableUntil, keyGen }`: the
   * window the core says the verdict holds in (usableFrom null, −∞ here, when unbounded) and the key
   * generation read right after the core accepted (no await in between), or a Promise of it
   * when keys had to be loaded.
   */
  #fromCore(token, nowSec) {
    const attempt = () => {
      const keysNowSec = this.#cache ? this.#cache[loaderNow]() / 1000 : undefined;
      const out = verifierCore.call(() => JSON.parse(this.#live().verify(token, nowSec, [], keysNowSec)));
      const { usableFrom, usableUntil, ...info } = out;
      return { info, usableFrom: usableFrom ?? -Infinity, usableUntil, keyGen: this.#keyGen };
    };
    try {
      return attempt();
    } catch (e) {
      if (!(e instanceof IdJagError) || !e.keysNeeded || !this.#jwksUri) throw e;
      return this.#withKeys(attempt, e);
    }
  }

  async #withKeys(attempt, first) {
    // The core asks for the AS's keys when absent, past their freshness, or lacking the
    // token's kid (rotation); the loader brings them and the core is asked again (issue 10).
    let err = first;
    for (let round = 0; ; round += 1) {
      const needed = err instanceof IdJagError ? err.keysNeeded : undefined;
      if (!needed || round >= 2) throw err;
      const snapshot = await this.#load(needed.reason === 'unknown-kid');
      if (needed.reason === 'unknown-kid' && snapshot.docId === this.#installed?.docId) throw err;
      this.#install(snapshot);
      try {
        return attempt();
      } catch (e) {
        err = e;
      }
    }
  }

  /** The core object of the current wasm instance, rebuilt (keys reinstalled) after a restart. */
  #live() {
    if (this.#core && this.#generation === verifierCore.generation) return this.#core;
    const core = verifierCore.call(() => verifierCore.track(new WasmAccessTokenVerifier(this.#optionsText)));
    const snap = this.#installed;
    if (snap) verifierCore.call(() => core.setJwks(snap.text, snap.freshUntilMs / 1000));
    this.#core = core;
    this.#generation = verifierCore.generation;
    return core;
  }

  async #load(refresh) {
    try {
      return await this.#cache[loadKeys](this.#jwksUri, { refresh });
    } catch (e) {
      throw keyError(`could not load the authorization server's keys: ${e.message}`, e);
    }
  }

  #install(snapshot) {
    const core = this.#live();
    verifierCore.call(() => core.setJwks(snapshot.text, snapshot.freshUntilMs / 1000));
    // Another key set (rotation, a removed key): every cached verdict is void. The same set
    // again (refetched past its TTL) keeps them.
    if (this.#installed === null || this.#installed.text !== snapshot.text) {
      this.#keyGen += 1;
      this.#tokens?.clear();
    }
    this.#installed = snapshot;
  }

  /**
   * The MCP SDK's `OAuthTokenVerifier.verifyAccessToken`: resolves to an `AuthInfo`
   * (`token`, `clientId`, `scopes`, `expiresAt`, `resource`, `extra`). Failures reject with
   * the SDK's `OAuthError('invalid_token' | 'insufficient_scope')` when its class was given
   * as the `OAuthError` option (so `requireBearerAuth` answers 401 / 403 with the
   * `WWW-Authenticate` challenge; its description is generic, the IdJagError with the reason
   * is its `cause`), else with the IdJagError.
   * @param {string} token
   */
  async verifyAccessToken(token) {
    let info;
    try {
      info = await this.verify(token);
    } catch (e) {
      if (!this.#OAuthError || !(e instanceof IdJagError)) throw e;
      // A missing scope (ERR_SCOPE) is 403 insufficient_scope; everything else is 401 invalid_token.
      // The description goes on the wire, so it is generic; the reason stays in `cause`.
      const code = e.code === 'ERR_SCOPE' ? 'insufficient_scope' : 'invalid_token';
      const err = new this.#OAuthError(code, WIRE_DESCRIPTIONS[code]);
      err.cause = e;
      throw err;
    }
    return {
      token,
      clientId: info.clientId,
      scopes: [...info.scopes], // a copy: a cached verdict is frozen and shared between calls
      expiresAt: info.expiresAt,
      resource: new URL(this.#resource),
      // idpIssuer / subId: the IdP that vouched for the user (issue 11), so two IdPs' "alice"
      // are never the same user to the MCP server.
      extra: { subject: info.subject, issuer: info.issuer, jti: info.jti, idpIssuer: info.idpIssuer, subId: info.subId },
    };
  }
}
