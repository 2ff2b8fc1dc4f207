// AccessTokenVerifier: the MCP server (resource server) side. Checks the RFC 9068 access
// token of every call (V2–V8 in the Rust core, src/access_token.rs) and answers the MCP SDK's
// `OAuthTokenVerifier` interface, so it plugs into `requireBearerAuth` of
// `@modelcontextprotocol/server` as its `verifier`.
import { WasmAccessTokenVerifier } from '../wasm/idjag.js';
import { IdJagError, callWasm, configError, fromWasm, keyError } from './errors.js';
import { JwksCache, checkJwksUri } from './jwks-cache.js';

const WIRE_DESCRIPTIONS = {
  invalid_token: 'the access token is not valid',
  insufficient_scope: 'the access token lacks a required scope',
};
const OWN_OPTIONS = ['jwksUri', 'jwksCache', 'fetch', 'OAuthError', 'requiredScopes'];

export class AccessTokenVerifier {
  #core;
  #jwksUri = null;
  #cache = null;
  #loaded = false;
  #OAuthError;
  #requiredScopes;
  #resource;

  /**
   * @param {import('../index.js').AccessTokenVerifierOptions} options
   */
  constructor(options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw configError('options must be an object');
    }
    const core = {};
    for (const [k, v] of Object.entries(options)) if (!OWN_OPTIONS.includes(k) && v !== undefined) core[k] = v;
    const { jwksUri, jwksCache, fetch: fetchImpl, OAuthError, requiredScopes = [] } = options;
    if ((core.jwks === undefined) === (jwksUri === undefined)) throw configError('give exactly one of jwks or jwksUri');
    if (OAuthError !== undefined && typeof OAuthError !== 'function') throw configError('OAuthError must be the OAuthError class of @modelcontextprotocol/server');
    if (!Array.isArray(requiredScopes) || requiredScopes.some((s) => typeof s !== 'string')) throw configError('requiredScopes must be an array of strings');
    if (jwksCache !== undefined && !(jwksCache instanceof JwksCache)) throw configError('jwksCache must be a JwksCache');
    if (jwksUri !== undefined) {
      try {
        this.#jwksUri = checkJwksUri(jwksUri).href;
      } catch (e) {
        throw configError(e.message);
      }
      this.#cache = jwksCache ?? new JwksCache(fetchImpl ? { fetch: fetchImpl } : {});
    }
    this.#core = callWasm(() => new WasmAccessTokenVerifier(core));
    this.#loaded = core.jwks !== undefined;
    this.#OAuthError = OAuthError;
    this.#requiredScopes = [...requiredScopes];
    this.#resource = core.audience;
  }

  /**
   * V2–V8. Resolves to what the token says; rejects with IdJagError (ERR_SCOPE when a
   * required scope is missing, which maps to 403 insufficient_scope; any other code is 401).
   * @param {string} token
   * @param {{ now?: Date, requiredScopes?: string[] }} [options]
   */
  async verify(token, options = {}) {
    if (typeof token !== 'string') throw new IdJagError('ERR_MALFORMED', 'token is not a string', { oauthError: 'invalid_grant' });
    const now = options.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');
    const required = options.requiredScopes ?? this.#requiredScopes;
    const run = () => this.#core.verify(token, now.getTime() / 1000, required);
    if (this.#jwksUri && !this.#loaded) await this.#load(false);
    try {
      return run();
    } catch (e) {
      const err = fromWasm(e);
      // A key we do not know yet: the authorization server may have rotated (once per 30 s).
      if (!(err instanceof IdJagError && err.code === 'ERR_KEY' && this.#jwksUri)) throw err;
    }
    await this.#load(true);
    return callWasm(run);
  }

  async #load(refresh) {
    let jwks;
    try {
      jwks = refresh ? await this.#cache.refresh(this.#jwksUri) : await this.#cache.get(this.#jwksUri);
    } catch (e) {
      throw keyError(`could not load the authorization server's keys: ${e.message}`, e);
    }
    callWasm(() => this.#core.setJwks(jwks));
    this.#loaded = true;
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
      extra: { subject: info.subject, issuer: info.issuer, jti: info.jti },
    };
  }
}
