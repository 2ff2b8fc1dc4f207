// AccessTokenIssuer: mints the RFC 9068 access tokens of the authorization server (src/server/access_token.rs
// via the signing wasm build, which decides every claim): `typ: at+jwt`, `aud` = the grant's resource, `jti` from
// getrandom, ES256 by default (EdDSA generated too; RS256 with an imported private JWK).
import { WasmAccessTokenIssuer, fullCore } from '../core-full.js';
import { jsonText } from '../core.js';
import { checkOptions, is, nowSec, readClock } from '../options.js';

/** Package-internal (the token endpoint): the issuer's options as JSON text, with its key. */
export const issuerOptionsText = Symbol('idjag.issuerOptionsText');

export class AccessTokenIssuer {
  #optionsText;
  #core = null;
  #generation = -1;
  #now;

  /** @param {import('../../server.js').AccessTokenIssuerOptions} options */
  constructor(options) {
    // `now` is the JS layer's; the rest (and unknown members) the core's, same wording.
    checkOptions(options, 'options', 'AccessTokenIssuer', { now: is.clock }, {
      passThrough: ['issuer', 'alg', 'kid', 'privateJwk', 'lifetimeSec'], // src/wasm/server.rs IssuerOptions
    });
    const { now, ...coreOptions } = options;
    if (now !== undefined) readClock(now, 'options.now');
    this.#now = now;
    options = coreOptions;
    this.#optionsText = jsonText(options, 'options');
    const core = this.#live();
    // A generated key must survive a restart of the wasm core (src/core.js): keep it, as the
    // caller would have to with privateJwk(), so the rebuilt issuer signs with the same key.
    if (options.privateJwk === undefined) {
      const kept = { ...options, privateJwk: fullCore.call(() => core.privateJwk()) };
      this.#optionsText = jsonText(kept, 'options');
    }
  }

  #live() {
    if (this.#core && this.#generation === fullCore.generation) return this.#core;
    this.#core = fullCore.call(() => fullCore.track(new WasmAccessTokenIssuer(this.#optionsText)));
    this.#generation = fullCore.generation;
    return this.#core;
  }

  get [issuerOptionsText]() {
    return this.#optionsText;
  }

  /** This authorization server's issuer identifier (the tokens' `iss`). */
  get issuer() {
    return fullCore.call(() => this.#live().issuer());
  }

  /** The public JWK Set to publish at `jwks_uri` (the core's, public members only). */
  jwks() {
    return fullCore.call(() => this.#live().jwks());
  }

  /** The private key as a JWK, to persist it (a secret: store it like one, never log it). */
  privateJwk() {
    return fullCore.call(() => this.#live().privateJwk());
  }

  /**
   * Mints a token for a verified grant (the `VerifiedGrant` of `IdJagVerifier.verify`).
   * The token records the IdP (`sub_id`: RFC 9493 `iss_sub`) and carries the grant's `act`. Its `sub` is
   * `localSubject` when given, else `<issuer>#<subject>` with `qualifySubject`, else the IdP's `subject`.
   * @param {{ subject: string, clientId: string, resources: string[], scopes: string[], claims?: object,
   *   issuer?: string, localSubject?: string, qualifySubject?: boolean }} grant
   * @param {{ now?: () => number }} [options] `now`: epoch seconds, over the constructor's `now`
   * @returns {{ accessToken: string, expiresIn: number, scope: string, resource: string, jti: string, subject: string }}
   */
  mint(grant, options) {
    checkOptions(options, 'options', 'AccessTokenIssuer.mint()', { now: is.clock }, { optional: true });
    const at = nowSec(options?.now, 'options.now', this.#now, 'options.now');
    const { subject, clientId, resources, scopes, claims, issuer, localSubject, qualifySubject } = grant ?? {};
    const text = jsonText({
      subject, clientId, resources, scopes, claims: claims ?? {}, issuer, localSubject, qualifySubject: qualifySubject === true,
    }, 'grant');
    return fullCore.call(() => this.#live().mint(text, at));
  }
}
