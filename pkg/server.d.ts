/**
 * `idjag/server` — everything of `idjag`, plus the authorization server: the jwt-bearer token
 * endpoint for ID-JAGs, RFC 9068 access tokens, and the RFC 8414 / RFC 9728 metadata. It loads
 * the signing build of the WebAssembly core next to the verifier build.
 *
 * @example
 * ```ts
 * import { AccessTokenIssuer, createTokenEndpoint } from 'idjag/server';
 * const tokens = new AccessTokenIssuer({ issuer: 'https://as.example' });
 * const endpoint = createTokenEndpoint({
 *   grants: { audience: 'https://as.example', issuers: [{ issuer: IDP, discover: true }],
 *             resources: ['https://mcp.example/mcp'] },
 *   accessTokenIssuer: tokens,
 *   clients: [{ clientId: 'c1', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET }],
 *   onDecision: (event) => console.log(JSON.stringify(event)),
 * });
 * const response: Response = await endpoint(request);
 * ```
 */
import type { Algorithm, FetchLike, JWK, JWKSet, JwksCache, VerifierOptions, VerifiedGrant, DroppedScope } from './index.js';

export * from './index.js';

export interface AccessTokenIssuerOptions {
  /** This authorization server's issuer identifier (the tokens' `iss`). */
  issuer: string;
  /** `ES256` (default) or `EdDSA` for a generated key; `RS256`/`PS256`/`ES384` need `privateJwk`. */
  alg?: Algorithm | undefined;
  kid?: string | undefined;
  /** A private JWK to sign with (persist keys across restarts); default a generated key. */
  privateJwk?: JWK | undefined;
  /** Token lifetime in seconds, 60–86400 (default 300). */
  lifetimeSec?: number | undefined;
  /** The clock of `mint`, epoch seconds; default `() => Date.now() / 1000`. A call's `now` overrides it. */
  now?: (() => number) | undefined;
}

export interface MintedAccessToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
  resource: string;
  jti: string;
}

/** Mints RFC 9068 access tokens (`typ: at+jwt`, `aud` = the grant's resource, `jti` random). */
export declare class AccessTokenIssuer {
  constructor(options: AccessTokenIssuerOptions);
  readonly issuer: string;
  /** The public JWK Set to publish at `jwks_uri`. */
  jwks(): JWKSet;
  /** The private key (a secret: store it like one, never log it). */
  privateJwk(): JWK;
  mint(grant: { subject: string; clientId: string; resources: string[]; scopes: string[]; claims?: Record<string, unknown> | undefined },
       options?: { now?: (() => number) | undefined }): MintedAccessToken;
}

/** A registered client of the token endpoint. */
export interface ClientRegistration {
  /** The client's id at this authorization server (the grant's `client_id`). */
  clientId: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  /** For client_secret_*: at least 16 characters. */
  clientSecret?: string | undefined;
  /** For private_key_jwt: the client's public keys, or where to fetch them. */
  jwks?: JWKSet | undefined;
  jwksUri?: string | undefined;
  /** R5: the grant types it may use (default: jwt-bearer). */
  grantTypes?: string[] | undefined;
  /** Issue 11: the IdPs (grant `iss`) this client may bring grants from (default: every trusted issuer). */
  allowedIssuers?: string[] | undefined;
}

export interface TokenEndpointOptions {
  /** The grants this server accepts (`audience` = this server's issuer = `accessTokenIssuer.issuer`). */
  grants: VerifierOptions;
  accessTokenIssuer: AccessTokenIssuer;
  clients: ClientRegistration[];
  /** This endpoint's URL, also accepted as a client assertion's `aud`. */
  tokenEndpoint?: string | undefined;
  /** R4: allow clients registered with `none` (default false). */
  allowPublicClients?: boolean | undefined;
  clientAssertionAlgorithms?: Algorithm[] | undefined;
  /** Called once per decision with a token-free audit event. */
  onDecision?: ((event: DecisionEvent) => void) | undefined;
  /** `hashSubject` (default true): `user.hash` instead of `user.id`; `salt` for the hash. */
  audit?: { hashSubject?: boolean | undefined; salt?: string | undefined } | undefined;
  jwksCache?: JwksCache | undefined;
  fetch?: FetchLike | undefined;
  /** The clock, epoch seconds (tests); default `() => Date.now() / 1000`. */
  now?: (() => number) | undefined;
  /**
   * rfc7523bis (R3a): a client assertion's sole `aud` is this server's issuer. `true` also accepts
   * `tokenEndpoint` as `aud` — for clients that still send it (the MCP TypeScript SDK does when it found no
   * authorization server metadata). Default false.
   */
  legacyClientAssertionAudience?: boolean | undefined;
  /** Live client-assertion `jti`s one client may hold in the replay store (default 1000). */
  maxAssertionsPerClient?: number | undefined;
  /**
   * Maps a verified grant (`issuer`, `subject`, `subId`, `claims`) to a local account: its result is the
   * access token's `sub`. `undefined`: the default subject (the IdP's `sub`, or `<iss>#<sub>` when more than
   * one issuer is trusted). `null`: no account — the grant is refused (`invalid_grant`, `ERR_POLICY`).
   */
  mapSubject?: ((grant: Readonly<VerifiedGrant>) => string | null | undefined | Promise<string | null | undefined>) | undefined;
}

/** One decision of the token endpoint, with OpenTelemetry-style attribute names. */
export interface DecisionEvent {
  'event.name': 'idjag.token_request';
  'event.outcome': 'success' | 'failure';
  /** ISO 8601. */
  time: string;
  'http.response.status_code': number;
  /** The checks run, in order; on a failure the last one failed. */
  'idjag.checks': string[];
  /** The idjag error code (`ERR_AUDIENCE`) or, before the grant was read, the OAuth error. */
  'error.type'?: string;
  'oauth.error'?: string;
  /** The detailed reason (never sent to the client). */
  'idjag.reason'?: string;
  /** The rule that refused, when the request or client check failed (`R2`, `R3`, …). */
  'idjag.rule'?: string;
  'oauth.client.id'?: string;
  'oauth.client.auth_method'?: string;
  'idjag.grant.issuer'?: string;
  'idjag.grant.jti'?: string;
  /** False when the grant facts come from a refused (unverified) grant. */
  'idjag.grant.verified'?: boolean;
  /** base64url(sha256(salt, iss, sub)) — unless `audit.hashSubject` is false. */
  'user.hash'?: string;
  'user.id'?: string;
  'idjag.resource'?: string;
  'idjag.scopes.granted'?: string[];
  'idjag.scopes.dropped'?: DroppedScope[];
  'idjag.access_token.jti'?: string;
}

/**
 * The token endpoint for `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` as a
 * web-standard handler (Node, workerd, Deno, Bun): R1–R5a, client authentication, the grant
 * (R6–R41, policy), the jti consumed (R29), an access token (R47–R50, no refresh token,
 * `Cache-Control: no-store`). Errors are RFC 6749 §5.2, generic on the wire.
 * @throws {@link IdJagError} `ERR_CONFIG`.
 */
export declare function createTokenEndpoint(options: TokenEndpointOptions): (request: Request) => Promise<Response>;

/** Options of {@link authorizationServerMetadata}. */
export interface AuthorizationServerMetadataOptions {
  /** This server's issuer identifier (the grants' `audience`), exactly as clients compare it. */
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  /** Default `client_secret_basic`, `client_secret_post`, `private_key_jwt`. */
  tokenEndpointAuthMethods?: string[] | undefined;
  scopesSupported?: string[] | undefined;
  /**
   * For the MCP SDKs' clients, which refuse metadata without `authorization_endpoint` (the
   * TypeScript SDK's `OAuthMetadataSchema`, 2.4; the Python SDK's `OAuthMetadata`, mcp 2.3),
   * although RFC 8414 §2 lets a jwt-bearer-only server leave it out: the URL is advertised as
   * `authorization_endpoint`, with `response_types_supported: []`. Serve
   * {@link refuseAuthorizationRequest} there. Not with `authorization_endpoint` or
   * `response_types_supported` among the extra members.
   */
  refusingAuthorizationEndpoint?: string | undefined;
  /** Other RFC 8414 members, copied as given (zero-element arrays are omitted, §3.2). */
  [extra: string]: unknown;
}

/**
 * RFC 8414 metadata of this authorization server (with `grant_types_supported` and
 * `authorization_grant_profiles_supported`). Members that would be empty arrays are omitted
 * (RFC 8414 §3.2), except `response_types_supported` with `refusingAuthorizationEndpoint`.
 * @throws {@link IdJagError} `ERR_CONFIG`.
 */
export declare function authorizationServerMetadata(options: AuthorizationServerMetadataOptions): Record<string, unknown>;

/**
 * The authorization endpoint behind `refusingAuthorizationEndpoint`: answers every GET or POST
 * with HTTP 400 and an RFC 6749 §4.1.2.1 error (`invalid_request` without `response_type`,
 * else `unsupported_response_type`), never a redirect; other methods 405.
 */
export declare function refuseAuthorizationRequest(request: Request): Response;

/** RFC 9728 metadata of an MCP server (zero-element arrays omitted). */
export declare function protectedResourceMetadata(options: {
  resource: string; authorizationServers: string[]; scopesSupported?: string[] | undefined; resourceName?: string | undefined; [extra: string]: unknown;
}): Record<string, unknown>;

/** Where RFC 9728 §3.1 puts a resource's metadata: `/.well-known/oauth-protected-resource` inserted between the host and the path, the query kept. */
export declare function protectedResourceMetadataUrl(resource: string): string;

// ---------------------------------------------------------------------------------------------
// Adapters (also `idjag/adapters`): Node frameworks and the MCP SDK's bearer gate.
export { toNodeHandler, toFastifyPlugin, toHonoHandler, toMcpVerifier, mcpBearerAuth, mcpExpressBearerAuth } from './adapters.js';
export type { FetchHandler, NodeHandlerOptions, McpAuthInfo, McpTokenVerifier, McpGateOptions } from './adapters.js';
