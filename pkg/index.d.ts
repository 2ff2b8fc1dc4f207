/**
 * idjag — verify Identity Assertion JWT Authorization Grants (ID-JAG, `typ: oauth-id-jag+jwt`),
 * the grant behind the Model Context Protocol's Enterprise-Managed Authorization.
 *
 * Every check is made by one Rust core compiled to WebAssembly; this module adapts it to
 * JavaScript and does the I/O (JWKS fetch, replay store).
 *
 * @packageDocumentation
 */

/**
 * The stable error codes. A code never changes once released; a new failure gets a new code.
 *
 * - `ERR_CONFIG` — invalid options or JWKS (thrown by the constructor)
 * - `ERR_MALFORMED` — not a strict compact JWS, bad JSON, too deep, over `maxTokenBytes`
 * - `ERR_HEADER` — `crit`, `b64`, `zip`/`enc` or another header the verifier will not honour
 * - `ERR_TYP` — `typ` missing or not `oauth-id-jag+jwt`
 * - `ERR_ALG` — `alg` not allowed, or not the key's algorithm
 * - `ERR_ISSUER` — `iss` missing, not trusted, or this server's own issuer
 * - `ERR_KEY` — no usable key for `kid`/`alg` (also: the issuer's `jwksUri` could not be fetched)
 * - `ERR_SIGNATURE` — the signature does not verify
 * - `ERR_CLAIM` — a required claim is missing, or a claim has the wrong type or form
 * - `ERR_AUDIENCE` — `aud` is not exactly this server's issuer
 * - `ERR_CLIENT` — `client_id` is not the authenticated client
 * - `ERR_EXPIRED` — now ≥ exp + tolerance
 * - `ERR_NOT_YET_VALID` — `nbf` or `iat` later than now + tolerance
 * - `ERR_LIFETIME` — exp − iat above `maxLifetimeSec`, or exp ≤ iat
 * - `ERR_RESOURCE` — `resource` missing while required, or not a registered resource
 * - `ERR_SCOPE` — a requested scope is outside the grant or the policy
 * - `ERR_TENANT` — `tenant` missing or not the issuer's pinned tenant
 * - `ERR_REPLAY` — this (iss, jti) was already accepted, or the replay store failed or is full
 * - `ERR_UNSUPPORTED` — `cnf` without a proof, `authorization_details` not enabled, JWE
 * - `ERR_POLICY` — refused by an enterprise policy rule
 */
export type ErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_MALFORMED'
  | 'ERR_HEADER'
  | 'ERR_TYP'
  | 'ERR_ALG'
  | 'ERR_ISSUER'
  | 'ERR_KEY'
  | 'ERR_SIGNATURE'
  | 'ERR_CLAIM'
  | 'ERR_AUDIENCE'
  | 'ERR_CLIENT'
  | 'ERR_EXPIRED'
  | 'ERR_NOT_YET_VALID'
  | 'ERR_LIFETIME'
  | 'ERR_RESOURCE'
  | 'ERR_SCOPE'
  | 'ERR_TENANT'
  | 'ERR_REPLAY'
  | 'ERR_UNSUPPORTED'
  | 'ERR_POLICY';

/** The OAuth 2.0 `error` value to put on the wire for a refusal (`null` for `ERR_CONFIG`). */
export type OAuthErrorCode =
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_request'
  | 'invalid_client';

/** All 20 {@link ErrorCode} values, frozen, in the order of the documentation. */
export declare const ERROR_CODES: readonly ErrorCode[];

/** The signature algorithms a verifier can accept. `none` and HMAC are not representable. */
export type Algorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'EdDSA';

/** A trusted identity provider (the ID-JAG issuer). */
export interface IssuerOptions {
  /** The issuer identifier; compared with `iss` exactly, without normalisation. */
  issuer: string;
  /** The issuer's public keys. Private members (`d`, `p`, …) and `kty: "oct"` are refused with `ERR_CONFIG`. */
  jwks?: { keys: JsonWebKey[] };
  /**
   * Where to fetch the issuer's JWKS when `jwks` is not given: `https:` (or `http:` on a loopback
   * host). Fetched on the first verification that needs it (5 s timeout, no redirects); a failed
   * fetch refuses that grant with `ERR_KEY` and is retried on the next one.
   */
  jwksUri?: string;
  /** Narrows the global {@link VerifierOptions.algorithms} allow-list for this issuer. */
  algorithms?: Algorithm[];
  /** When set, the grant's `tenant` claim must equal it (`ERR_TENANT`). */
  tenant?: string;
}

/** Options of {@link IdJagVerifier}. Everything except `replayStore` is plain JSON. */
export interface VerifierOptions {
  /** This authorization server's issuer identifier; `aud` must equal it exactly. */
  audience: string;
  /** The trusted identity providers (at least one). */
  issuers: IssuerOptions[];
  /** Registered MCP server resource identifiers (RFC 8707) the grant's `resource` must be among. */
  resources?: string[];
  /** Whether the grant must carry `resource` (default `true`, as EMA requires). */
  requireResource?: boolean;
  /** Accepted algorithms; default `['RS256','PS256','ES256','ES384','EdDSA']`. */
  algorithms?: Algorithm[];
  /** Clock skew tolerated on `exp`, `nbf`, `iat`, in seconds (default 60). */
  clockToleranceSec?: number;
  /** Longest accepted `exp − iat`, in seconds (default 300). */
  maxLifetimeSec?: number;
  /** Longest accepted token, in bytes (default 16384). */
  maxTokenBytes?: number;
  /**
   * `'single-use'` (default): each (iss, jti) is accepted once, remembered until exp + tolerance.
   * `'reusable'`: no replay tracking.
   */
  replay?: 'single-use' | 'reusable';
  /** Where single-use grants are recorded; default a new {@link MemoryReplayStore} per verifier. */
  replayStore?: ReplayStore;
}

/** The context of one token request. */
export interface VerifyContext {
  /** The authenticated client's identifier; `client_id` must equal it (`ERR_CLIENT`). */
  clientId: string;
  /** The verification time; default `new Date()`. */
  now?: Date;
  /**
   * The token request's `scope` parameter. When present the granted scopes are its
   * intersection with the grant's; a scope outside the grant is `ERR_SCOPE`.
   */
  scope?: string;
  /** The token request's RFC 8707 `resource` parameter; it must be among the grant's resources. */
  resource?: string;
}

/** A grant that passed every check. */
export interface VerifiedGrant {
  /** `iss`: the identity provider. */
  issuer: string;
  /** `sub`: the user. */
  subject: string;
  /** `client_id`: the client the grant was issued to. */
  clientId: string;
  /** `aud`: this authorization server. */
  audience: string;
  /** `resource`: the MCP servers the grant is for. */
  resources: string[];
  /** The granted scopes: grant ∩ requested ∩ policy. */
  scopes: string[];
  /** `jti`: the grant's identifier. */
  jti: string;
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
  /** `tenant`, when the grant has one. */
  tenant?: string;
  /** The verified JOSE header. */
  header: Record<string, unknown>;
  /** Every verified claim. */
  claims: Record<string, unknown>;
}

/**
 * Records single-use grants (their (iss, jti) key) so that a second presentation is refused.
 * Implement it over a shared store (Redis `SET key 1 PXAT expiresAtMs NX`, a database with a
 * unique index, a Durable Object) when several instances verify grants.
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAtMs` (epoch ms). Resolves `true` if this is the first sighting,
   * `false` if the key was already recorded and has not expired. Throwing (or rejecting) fails
   * closed: the grant is refused with `ERR_REPLAY`.
   *
   * @param key - opaque, derived from (iss, jti)
   * @param expiresAtMs - when the record may be forgotten: (exp + clock tolerance) × 1000
   * @param nowMs - the verification time the verifier used (`ctx.now`), for stores that keep
   *   time themselves; may be ignored
   */
  consume(key: string, expiresAtMs: number, nowMs?: number): Promise<boolean> | boolean;
}

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most entries held at once (default 100000). Unexpired entries are never evicted. */
  maxEntries?: number;
}

/**
 * The default {@link ReplayStore}: bounded, in this process's memory. When full it refuses new
 * grants with `ERR_REPLAY` ("replay store is full") rather than forget an unexpired one. Use a
 * shared store when more than one process verifies grants.
 */
export declare class MemoryReplayStore implements ReplayStore {
  /** @throws {@link IdJagError} `ERR_CONFIG` when `maxEntries` is not a positive integer. */
  constructor(options?: MemoryReplayStoreOptions);
  /**
   * @returns `true` on first sighting, `false` on a replay.
   * @throws {@link IdJagError} `ERR_REPLAY` when the store is full.
   */
  consume(key: string, expiresAtMs: number, nowMs?: number): boolean;
  /** Number of entries currently held. */
  readonly size: number;
}

/**
 * A refusal. Switch on `code`; send `oauthError` (never the message) to the client.
 *
 * @example
 * ```ts
 * try { await verifier.verify(assertion, { clientId }); }
 * catch (e) {
 *   if (e instanceof IdJagError) return oauthErrorResponse(e.oauthError ?? 'invalid_grant');
 *   throw e;
 * }
 * ```
 */
export declare class IdJagError extends Error {
  /** Normally created by the library. */
  constructor(
    code: ErrorCode,
    message: string,
    options?: { oauthError?: OAuthErrorCode | null; claim?: string; cause?: unknown },
  );
  /** Always `'IdJagError'`. */
  readonly name: 'IdJagError';
  /** What went wrong, stable across releases. */
  readonly code: ErrorCode;
  /** The OAuth error for the token endpoint response; `null` for `ERR_CONFIG`. */
  readonly oauthError: OAuthErrorCode | null;
  /** The claim at fault, where there is one. */
  readonly claim?: string;
}

/**
 * Verifies ID-JAGs presented to an MCP authorization server in the RFC 7523 jwt-bearer grant.
 *
 * @example
 * ```ts
 * const verifier = new IdJagVerifier({
 *   audience: 'https://auth.mcp.example',
 *   issuers: [{ issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks' }],
 *   resources: ['https://mcp.example/mcp'],
 * });
 * const grant = await verifier.verify(assertion, { clientId, scope });
 * ```
 */
export declare class IdJagVerifier {
  /** @throws {@link IdJagError} `ERR_CONFIG` for invalid options or keys. */
  constructor(options: VerifierOptions);
  /**
   * Verifies one presentation of a grant and, in `single-use` mode, consumes its `jti` (only
   * after every other check passed).
   *
   * @param token - the ID-JAG (the `assertion` parameter)
   * @returns the verified grant
   * @throws {@link IdJagError} (as a rejection) when the grant is refused.
   */
  verify(token: string, ctx: VerifyContext): Promise<VerifiedGrant>;
}
