/**
 * `idjag/testing` — a test identity provider for your own tests: it generates a key, publishes
 * its JWKS, and mints valid ID-JAGs and every broken variant a verifier must refuse. Works in
 * Node, Deno, Bun, Cloudflare Workers and browsers, sharing the WebAssembly instance of `idjag`.
 *
 * **For tests only.** Its key lives in memory; never trust it in production.
 *
 * @example
 * ```ts
 * import { IdJagVerifier } from 'idjag';
 * import { TestIssuer } from 'idjag/testing';
 *
 * const idp = new TestIssuer({ issuer: 'https://idp.test' });
 * const verifier = new IdJagVerifier({
 *   audience: 'https://as.test', issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }],
 *   resources: ['https://mcp.test/mcp'],
 * });
 * const params = { audience: 'https://as.test', clientId: 'c1', resource: 'https://mcp.test/mcp' };
 * await verifier.verify(idp.mint(params), { clientId: 'c1' });             // accepted
 * for (const v of TestIssuer.variants.filter((v) => v.code !== null)) {
 *   await verifier.verify(idp.mintVariant(v.name, params), { clientId: 'c1' }); // rejects with v.code
 * }
 * ```
 *
 * @packageDocumentation
 */
import type { Algorithm, ErrorCode, JWK, JWKSet } from './index.js';

/** See `ready` of `idjag`: in browsers, await it once before `new TestIssuer` (the signing build loads asynchronously). */
export { ready } from './index.js';

/** The signature algorithms the test issuer can sign with (default `ES256`; RSA keys must be given as `privateJwk`). */
export type TestIssuerAlgorithm = Algorithm;

/** Options of {@link TestIssuer}. */
export interface TestIssuerOptions {
  /** The `iss` of the grants it mints. */
  issuer: string;
  /** The signing algorithm; default `ES256`. A key is generated for it unless `privateJwk` is given. */
  alg?: TestIssuerAlgorithm | undefined;
  /** The key id; default derived from the key. */
  kid?: string | undefined;
  /** A key from a previous {@link TestIssuer.privateJwk}, to keep the same JWKS across runs. */
  privateJwk?: JWK | undefined;
  /** The clock of `mint`, epoch seconds; default `() => Date.now() / 1000`. A call's `now` overrides it. */
  now?: (() => number) | undefined;
}

/** The names of the variants {@link TestIssuer.mintVariant} can mint. */
export type TestVariantName =
  | 'valid'
  | 'bad-signature'
  | 'wrong-aud'
  | 'two-element-aud'
  | 'expired'
  | 'iat-in-future'
  | 'wrong-typ'
  | 'client-mismatch'
  | 'unknown-kid'
  | 'alg-none'
  | 'hs256-public-key'
  | 'crit'
  | 'oversized'
  | 'cnf'
  | 'replayed';

/** One mintable variant. */
export interface TestVariant {
  /** Pass it to {@link TestIssuer.mintVariant}. */
  name: TestVariantName;
  /** What a default `IdJagVerifier` answers (`null`: it accepts the grant). */
  code: ErrorCode | null;
  /** What is wrong with it. */
  description: string;
}

/** What goes into a grant. */
export interface MintParams {
  /** `aud`: the authorization server's issuer identifier. */
  audience: string;
  /** `client_id`: the client's id at the authorization server. */
  clientId: string;
  /** The time the grant is issued at (`iat`), epoch seconds; default the issuer's `now`, else the system clock. */
  now?: (() => number) | undefined;
  /** `sub`; default `user-1`. */
  subject?: string | undefined;
  /** `resource`: the MCP server(s). */
  resource?: string | string[] | undefined;
  /** `scope`, space-separated. */
  scope?: string | undefined;
  /** `exp − iat`, in seconds; default 60. */
  lifetimeSec?: number | undefined;
  /** `jti`; default random. */
  jti?: string | undefined;
  /** `tenant`. */
  tenant?: string | undefined;
  /** Extra claims, merged last: they may override anything above. */
  claims?: Record<string, unknown> | undefined;
}

/** A test identity provider. */
export declare class TestIssuer {
  /** @throws {@link index!IdJagError | IdJagError} `ERR_CONFIG` for an unknown `alg` or an unusable `privateJwk`. */
  constructor(options: TestIssuerOptions);
  /** The `iss` of every grant it mints. */
  readonly issuer: string;
  /** Its public JWK Set, for `IdJagVerifier`'s `issuers[].jwks` (or to serve as a `jwksUri`). */
  jwks(): JWKSet;
  /** Its private key as a JWK — a secret — to persist and pass back as `privateJwk`. */
  privateJwk(): JWK;
  /** Mints a valid grant. */
  mint(params: MintParams): string;
  /**
   * Signs any JWT with the issuer's key — for the other tokens a test IdP hands out, such as an
   * OpenID Connect ID token (`typ` `JWT`, which an ID-JAG verifier refuses). The header is
   * `{ alg, typ: 'JWT', kid }` plus the members of `header` (`typ` and `kid` may be replaced);
   * the claims are signed exactly as given.
   * @throws {@link index!IdJagError | IdJagError} `ERR_CONFIG` when `header.alg` is not the key's algorithm.
   */
  signJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string;
  /**
   * Mints the variant `name` of the grant described by `params`: `valid` is {@link mint};
   * `replayed` returns the previous valid grant again (mint one first).
   */
  mintVariant(name: TestVariantName, params: MintParams): string;
  /** Every variant, in a stable order, starting with `valid`. */
  static readonly variants: readonly TestVariant[];
}
