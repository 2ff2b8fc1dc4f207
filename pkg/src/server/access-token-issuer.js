// AccessTokenIssuer: mints the RFC 9068 access tokens of the authorization server (src/access_token.rs
// via the signing wasm build): `typ: at+jwt`, `aud` = the grant's resource (R50), `jti` from
// getrandom, ES256 by default (EdDSA generated too; RS256 with an imported private JWK).
import { WasmAccessTokenIssuer } from '../../wasm-full/idjag.js';
import { callWasm, configError } from '../errors.js';

export class AccessTokenIssuer {
  #core;

  /** @param {import('../../server.js').AccessTokenIssuerOptions} options */
  constructor(options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw configError('options must be an object');
    this.#core = callWasm(() => new WasmAccessTokenIssuer(options));
  }

  /** This authorization server's issuer identifier (the tokens' `iss`). */
  get issuer() {
    return this.#core.issuer();
  }

  /** The public JWK Set to publish at `jwks_uri` (A10). */
  jwks() {
    return this.#core.jwks();
  }

  /** The private key as a JWK, to persist it (a secret: store it like one, never log it). */
  privateJwk() {
    return this.#core.privateJwk();
  }

  /**
   * Mints a token for a verified grant (the `VerifiedGrant` of `IdJagVerifier.verify`).
   * @param {{ subject: string, clientId: string, resources: string[], scopes: string[], claims?: object }} grant
   * @param {{ now?: Date }} [options]
   * @returns {{ accessToken: string, expiresIn: number, scope: string, resource: string, jti: string }}
   */
  mint(grant, options = {}) {
    const now = options.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date');
    const { subject, clientId, resources, scopes, claims } = grant ?? {};
    return callWasm(() => this.#core.mint({ subject, clientId, resources, scopes, claims: claims ?? {} }, now.getTime() / 1000));
  }
}
