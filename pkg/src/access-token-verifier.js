// AccessTokenVerifier: the MCP server (resource server) side. Checks the RFC 9068 access
// token of every call (V2–V8 in the Rust core, src/access_token.rs) and answers the MCP SDK's
// `OAuthTokenVerifier` interface, so it plugs into `requireBearerAuth` of
// `@modelcontextprotocol/server` as its `verifier`.
import { WasmAccessTokenVerifier } from '../wasm/idjag.js';
import { verifierCore } from './core-verifier.js';
import { jsonText } from './core.js';
import { IdJagError, configError, keyError } from './errors.js';
import { JwksCache, checkJwksUri, loadKeys, loaderNow } from './jwks-cache.js';
import { checkOptions, is, nowSec, readClock } from './options.js';

const WIRE_DESCRIPTIONS = {
  invalid_token: 'the access token is not valid',
  insufficient_scope: 'the access token lacks a required scope',
};
const OWN_OPTIONS = ['jwksUri', 'jwksCache', 'fetch', 'OAuthError', 'requiredScopes', 'now'];

export class AccessTokenVerifier {
  #optionsText;
  #core = null;
  #generation = -1;
  #jwksUri = null;
  #cache = null;
  #installed = null; // the loader's snapshot the core holds (jwksUri only)
  #OAuthError;
  #requiredScopes;
  #resource;
  #now;

  /**
   * @param {import('../index.js').AccessTokenVerifierOptions} options
   */
  constructor(options) {
    // The JS layer's members; the rest (and unknown members) are the core's, same wording.
    checkOptions(options, 'options', 'AccessTokenVerifier', {
      jwksUri: is.string, jwksCache: is.instance(JwksCache, 'a JwksCache'), fetch: is.function,
      OAuthError: is.function, requiredScopes: is.stringArray, now: is.clock,
    }, { passThrough: ['issuer', 'audience', 'jwks', 'algorithms', 'clockToleranceSec'] }); // src/wasm/access_token.rs Options
    if (options.now !== undefined) readClock(options.now, 'options.now');
    this.#now = options.now;
    const core = {};
    for (const [k, v] of Object.entries(options)) if (!OWN_OPTIONS.includes(k) && v !== undefined) core[k] = v;
    const { jwksUri, jwksCache, fetch: fetchImpl, OAuthError, requiredScopes = [] } = options;
    if ((core.jwks === undefined) === (jwksUri === undefined)) throw configError('options: give exactly one of jwks or jwksUri');
    if (OAuthError !== undefined && typeof OAuthError !== 'function') throw configError('OAuthError must be the OAuthError class of @modelcontextprotocol/server');
    // Array.from: `some` skips the holes of a sparse array, and a hole must never reach the
    // wasm marshalling of string arrays (it throws inside the instance).
    if (!Array.isArray(requiredScopes) || Array.from(requiredScopes).some((s) => typeof s !== 'string')) throw configError('requiredScopes must be an array of strings');
    if (jwksCache !== undefined && !(jwksCache instanceof JwksCache)) throw configError('jwksCache must be a JwksCache');
    if (jwksUri !== undefined) {
      try {
        this.#jwksUri = checkJwksUri(jwksUri).href;
      } catch (e) {
        throw configError(e.message);
      }
      this.#cache = jwksCache ?? new JwksCache({ ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(this.#now ? { now: this.#now } : {}) });
    }
    this.#optionsText = jsonText(core, 'options');
    this.#live();
    this.#OAuthError = OAuthError;
    this.#requiredScopes = [...requiredScopes];
    this.#resource = core.audience;
  }

  /**
   * V2–V8. Resolves to what the token says; rejects with IdJagError (ERR_SCOPE when a
   * required scope is missing, which maps to 403 insufficient_scope; any other code is 401).
   * @param {string} token
   * @param {{ now?: () => number, requiredScopes?: string[] }} [options] `now`: epoch seconds, over the constructor's
   */
  async verify(token, options) {
    if (typeof token !== 'string') throw new IdJagError('ERR_MALFORMED', 'token is not a string', { oauthError: 'invalid_grant' });
    checkOptions(options, 'options', 'AccessTokenVerifier.verify()', { now: is.clock, requiredScopes: is.stringArray }, { optional: true });
    // Array.from: a hole of a sparse array must never reach the wasm marshalling.
    const required = Array.from(options?.requiredScopes ?? this.#requiredScopes);
    const at = nowSec(options?.now, 'options.now', this.#now, 'options.now');
    // The core asks for the AS's keys when absent, past their freshness, or lacking the
    // token's kid (rotation); the loader brings them and the core is asked again (issue 10).
    for (let round = 0; ; round += 1) {
      let err;
      try {
        const keysNowSec = this.#cache ? this.#cache[loaderNow]() / 1000 : undefined;
        return verifierCore.call(() => JSON.parse(this.#live().verify(token, at, required, keysNowSec)));
      } catch (e) {
        err = e;
      }
      const needed = err instanceof IdJagError ? err.keysNeeded : undefined;
      if (!needed || !this.#jwksUri || round >= 2) throw err;
      const snapshot = await this.#load(needed.reason === 'unknown-kid');
      if (needed.reason === 'unknown-kid' && snapshot.docId === this.#installed?.docId) throw err;
      this.#install(snapshot);
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
      // V8: a missing scope is 403 insufficient_scope; everything else is 401 invalid_token.
      // The description goes on the wire, so it is generic; the reason stays in `cause`.
      const code = e.code === 'ERR_SCOPE' ? 'insufficient_scope' : 'invalid_token';
      const err = new this.#OAuthError(code, WIRE_DESCRIPTIONS[code]);
      err.cause = e;
      throw err;
    }
    return {
      token,
      clientId: info.clientId,
      scopes: info.scopes,
      expiresAt: info.expiresAt,
      resource: new URL(this.#resource),
      // idpIssuer / subId: the IdP that vouched for the user (issue 11), so two IdPs' "alice"
      // are never the same user to the MCP server.
      extra: { subject: info.subject, issuer: info.issuer, jti: info.jti, idpIssuer: info.idpIssuer, subId: info.subId },
    };
  }
}
