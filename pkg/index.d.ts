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
 * - `ERR_INTERNAL` — the wasm core trapped: the call was refused, the instance restarted, the next call works
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
  | 'ERR_POLICY'
  | 'ERR_INTERNAL';

/** The OAuth 2.0 `error` value to put on the wire for a refusal (`null` for `ERR_CONFIG`). */
export type OAuthErrorCode =
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_request'
  | 'invalid_client'
  | 'server_error';

/** All 21 {@link ErrorCode} values, frozen, in the order of the documentation. */
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
  jwks?: JWKSet | undefined;
  /**
   * Where to fetch the issuer's JWKS: `https:` (or `http:` on a loopback host; else `ERR_CONFIG`).
   * Fetched on the first verification that needs it and cached by the verifier's
   * {@link JwksCache} (TTL from `Cache-Control`, one refetch for an unknown `kid` per 30 s, stale
   * keys served up to 1 h while the IdP is down). Keys that cannot be had refuse the grant with
   * `ERR_KEY`. Exactly one of `jwks`, `jwksUri`, `discover` is given.
   */
  jwksUri?: string | undefined;
  /**
   * Find the JWKS through the issuer's metadata: `/.well-known/oauth-authorization-server`
   * (RFC 8414, inserted before the issuer's path), then OpenID Connect
   * `/.well-known/openid-configuration`. The metadata's `issuer` must equal `issuer` exactly;
   * its `jwks_uri` is then used like {@link IssuerOptions.jwksUri}.
   */
  discover?: boolean | undefined;
  /** Narrows the global {@link VerifierOptions.algorithms} allow-list for this issuer. */
  algorithms?: Algorithm[] | undefined;
  /** When set, the grant's `tenant` claim must equal it (`ERR_TENANT`). */
  tenant?: string | undefined;
  /**
   * -04 §9.5 (R55): the `sub_id.issuer` values (SAML entity ids) local configuration associates with
   * this issuer. A `saml-nameid` `sub_id` is trusted (`subIdTrusted`) only when its issuer is listed.
   */
  subIdIssuers?: string[] | undefined;
  /** -04 §3.2.2 (R54): require a `sub_id` of this format (`'saml-nameid'`), from a listed issuer (`ERR_CLAIM`). */
  requireSubId?: 'saml-nameid' | undefined;
}

/** Options of {@link IdJagVerifier}. Everything except `replayStore` is plain JSON. */
export interface VerifierOptions {
  /** This authorization server's issuer identifier; `aud` must equal it exactly. */
  audience: string;
  /** The trusted identity providers (at least one). */
  issuers: IssuerOptions[];
  /** Registered MCP server resource identifiers (RFC 8707) the grant's `resource` must be among. */
  resources?: string[] | undefined;
  /** Whether the grant must carry `resource` (default `true`, as EMA requires). */
  requireResource?: boolean | undefined;
  /** Accepted algorithms; default `['RS256','PS256','ES256','ES384','EdDSA']`. */
  algorithms?: Algorithm[] | undefined;
  /** Clock skew tolerated on `exp`, `nbf`, `iat`, in seconds (default 60). */
  clockToleranceSec?: number | undefined;
  /** Longest accepted `exp − iat`, in seconds (default 300). */
  maxLifetimeSec?: number | undefined;
  /** Longest accepted token, in bytes (default 16384). */
  maxTokenBytes?: number | undefined;
  /**
   * R36: accept grants that carry `authorization_details` (RFC 9396). Default `false`: such a
   * grant is `ERR_UNSUPPORTED`, since idjag does not evaluate them and a server that ignored
   * them would grant more than the IdP meant. The claim is then in `claims` for you to enforce.
   */
  allowAuthorizationDetails?: boolean | undefined;
  /**
   * `'single-use'` (default): each (iss, jti) is accepted once, remembered until exp + tolerance.
   * `'reusable'`: no replay tracking.
   */
  replay?: 'single-use' | 'reusable' | undefined;
  /** Where single-use grants are recorded; default a new {@link MemoryReplayStore} per verifier. */
  replayStore?: ReplayStore | undefined;
  /**
   * The cache of remote keys (`jwksUri`, `discover`); share one between verifiers. Default: a new
   * {@link JwksCache} per verifier, using {@link VerifierOptions.fetch}.
   */
  jwksCache?: JwksCache | undefined;
  /** The fetch of the default {@link JwksCache} (unused when `jwksCache` is given); default `globalThis.fetch`. */
  fetch?: FetchLike | undefined;
  /**
   * The clock, epoch seconds (like JWT claims); default `() => Date.now() / 1000`. A value above
   * 1e11 (milliseconds) is `ERR_CONFIG`. A `verify` call's `ctx.now` overrides it; the default
   * {@link JwksCache} uses it too.
   */
  now?: (() => number) | undefined;
  /**
   * R35, how the request's `scope` narrows the grant's. `'strict'` (default): a requested scope
   * outside the grant is `ERR_SCOPE`. `'intersect'`: granted = requested ∩ grant, the rest is
   * dropped (RFC 6749 §3.3; what MCP clients that request every advertised scope need).
   */
  scopeRequest?: 'strict' | 'intersect' | undefined;
  /** The enterprise policy: which users and clients get which scopes on which resource. */
  policy?: GrantPolicy | undefined;
  /**
   * This server's own tenant (-04 §9.3, R18a): an issuer equal to `audience` may then be trusted when it
   * pins a different `tenant` — the ID-JAG crosses a trust domain. Otherwise our own issuer is refused.
   */
  tenant?: string | undefined;
  /** When set, the grant's `aud_tenant` must equal it (`ERR_TENANT`). */
  audTenant?: string | undefined;
  /** When set, the grant's `aud_sub` must equal it (`ERR_AUDIENCE`). */
  audSub?: string | undefined;
}

/**
 * A declarative enterprise policy, the same JSON document in every runtime. Deny overrides
 * allow; granted = grant ∩ request ∩ policy. Validated at construction: `ERR_CONFIG` naming the
 * path of the bad field (`policy.rules[2].effect must be 'allow' or 'deny'`).
 *
 * No allow rule matching (or a matching deny rule without `scopes`) → `ERR_POLICY`. A scope the
 * client asked for (strict mode) that the policy does not allow → `ERR_SCOPE`. A grant scope
 * the policy does not allow is dropped (`droppedScopes`, rule `policy:<id>`); none left → `ERR_POLICY`.
 */
export interface GrantPolicy {
  /** Which grant claims carry the user's groups and roles (a string or an array of strings). */
  claims?: { groups?: string; roles?: string } | undefined;
  rules: GrantPolicyRule[];
}

/** One rule: it matches when every condition it names matches; `"*"` in a list matches anything. */
export interface GrantPolicyRule {
  /** Names the rule in `droppedScopes` and audit events (default `rules[<index>]`). */
  id?: string | undefined;
  effect: 'allow' | 'deny';
  /** The grant's `iss` is one of these. */
  issuers?: string[] | undefined;
  /** The grant's `client_id` is one of these. */
  clients?: string[] | undefined;
  /** The grant's `sub` is one of these. */
  subjects?: string[] | undefined;
  /** The user has at least one of these groups (claim `claims.groups`, default `groups`). */
  groups?: string[] | undefined;
  /** The user has at least one of these roles (claim `claims.roles`, default `roles`). */
  roles?: string[] | undefined;
  /** The resource (MCP server) is one of these. */
  resources?: string[] | undefined;
  /** Allowed (or, on a deny rule, refused) scopes; required on allow rules; `["*"]` = every scope. A deny rule without it refuses the request. */
  scopes?: string[] | undefined;
}

/** A grant scope that was not granted, and the rule that dropped it (`R35`: not requested; `policy:<rule id>`; `policy:no-allow`). */
export interface DroppedScope {
  scope: string;
  rule: string;
}

/** Options of {@link JwksCache}. */
export interface JwksCacheOptions {
  /** The fetch to use; default `globalThis.fetch` (looked up at each request). */
  fetch?: FetchLike | undefined;
  /** The clock, in epoch seconds; default `() => Date.now() / 1000`. For TTLs, the stale window and the 30 s limit. */
  now?: (() => number) | undefined;
  /** Timeout of each request, headers and body, in seconds (default 5). */
  timeoutSec?: number | undefined;
  /** Most URLs and issuers held at once (default 1000); the least recently used go first. */
  maxEntries?: number | undefined;
  /**
   * Called once per fetched set that holds keys idjag set aside (a legacy RSA-1024 key, `use: "enc"`,
   * a short EC coordinate, …), with each key's position, `kid` and reason. The other keys are used.
   */
  onKeysSetAside?: ((event: { url: string; setAside: SetAsideKey[] }) => void) | undefined;
}

/** A key of a JWK Set that idjag will never use, and why. */
export interface SetAsideKey {
  /** Position in the set's `keys` array. */
  index: number;
  kid?: string;
  reason: string;
}

/** What {@link inspectJwks} makes of a JWK Set. */
export interface JwksReport {
  usable: Array<{ index: number; kid?: string; kty: 'RSA' | 'EC' | 'OKP'; algs: Algorithm[] }>;
  setAside: SetAsideKey[];
}

/**
 * A JSON Web Key (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2). idjag's own type: no dependency on the
 * DOM lib's `JsonWebKey`, so it means the same with `"lib": ["ES2022"]` and with `skipLibCheck`.
 * The key layer (`src/jose/jwk.rs`) checks every member at run time; in a JWK Set a key it cannot use
 * is set aside with its reason ({@link inspectJwks}), and where one key is expected (`privateJwk`)
 * it is `ERR_CONFIG`. Keys from WebCrypto's `exportKey('jwk')` (typed `JsonWebKey`, where even
 * `kty` is optional) or Node's `KeyObject.export({ format: 'jwk' })` are accepted with
 * `key as JWK`.
 */
export interface JWK {
  /** Key type: `RSA`, `EC` or `OKP` (Ed25519). `oct` (symmetric) keys are never used. */
  kty: 'RSA' | 'EC' | 'OKP' | (string & {});
  /** Key id, matched against a token's `kid` header. */
  kid?: string;
  /** Intended use; a key with `use: "enc"` is set aside. */
  use?: 'sig' | 'enc' | (string & {});
  /** Permitted operations; a key listing them without `verify` (public) is set aside. */
  key_ops?: string[];
  /** The one algorithm the key may be used with; tokens naming another are `ERR_ALG`. */
  alg?: Algorithm | (string & {});
  /** RSA modulus and public exponent (base64url). */
  n?: string;
  e?: string;
  /** EC / OKP curve: `P-256`, `P-384`, `Ed25519`. */
  crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519' | (string & {});
  /** EC / OKP public coordinates (base64url). */
  x?: string;
  y?: string;
  /** Private members: only in a `privateJwk`. In a JWK Set a key carrying them is set aside (never used). */
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  /** X.509 members, carried but not used for trust. */
  x5c?: string[];
  x5t?: string;
  'x5t#S256'?: string;
  x5u?: string;
  /**
   * Other members (RFC 7517 §4: ignored unless understood). Members are typed without `| undefined`
   * so that a JWK goes into WebCrypto's `importKey` and Node's `createPublicKey` under
   * `exactOptionalPropertyTypes`.
   */
  [member: string]: unknown;
}

/** A JSON Web Key Set (RFC 7517 §5) as served at a `jwks_uri`: the public keys only. */
export interface JWKSet {
  keys: JWK[];
}

/** @deprecated Use {@link JWKSet}; kept so existing imports compile. */
export type JsonWebKeySet = JWKSet;

/** The state of a {@link JwksCache}, from {@link JwksCache.export}: plain JSON. */
export interface JwksCacheState {
  /** 2: `fetchedAt` / `expiresAt` in epoch seconds (a version-1 state imports nothing). */
  version: 2;
  entries: Array<
    | { kind: 'jwks'; url: string; jwks: JWKSet; fetchedAt: number; expiresAt: number }
    | { kind: 'metadata'; issuer: string; jwksUri: string; fetchedAt: number; expiresAt: number }
  >;
}

/**
 * Remote JWK Sets (and the issuer metadata that names them), cached by URL for a production
 * edge. Share one between verifiers; keep its state in KV across short-lived isolates with
 * {@link JwksCache.export} / {@link JwksCache.import}.
 *
 * - **TTL** from `Cache-Control: max-age` (minus `Age`), clamped to [1 min, 24 h]; 10 min when
 *   absent or `no-store`, 1 min for `no-cache`. `s-maxage` (meant for the IdP's CDN) is ignored.
 * - **Refetch** at most once per 30 s per URL while usable keys are cached (an unknown `kid`,
 *   or a failing IdP); concurrent callers share one request.
 * - **Stale**: when a fetch fails the last good keys are served until 1 h past their expiry;
 *   then the call rejects, saying so.
 * - **Limits**: `https:` only (`http:` on 127.0.0.0/8, `::1`, `localhost`), no credentials in
 *   the URL, redirects not followed, 5 s timeout, body at most 64 KiB (read while streaming),
 *   at most 100 keys. Every key set is validated by the same core checks as inline `jwks`
 *   (public keys only, RSA ≥ 2048 bits, …); a set that fails them counts as a failed fetch.
 *
 * Failures reject with a plain `Error` whose message names the URL (at most 64 characters of
 * it) and the reason; a URL that may not be fetched rejects with {@link IdJagError} `ERR_CONFIG`.
 *
 * @example Sharing one cache, kept in Workers KV
 * ```ts
 * const jwksCache = new JwksCache();
 * jwksCache.import(await env.KV.get('idjag-jwks'));
 * const verifier = new IdJagVerifier({ ...options, jwksCache });
 * // after handling the request:
 * ctx.waitUntil(env.KV.put('idjag-jwks', JSON.stringify(jwksCache.export())));
 * ```
 */
export declare class JwksCache {
  /** @throws {@link IdJagError} `ERR_CONFIG` for invalid options. */
  constructor(options?: JwksCacheOptions);
  /**
   * The JWK Set at `uri`: cached while fresh, else fetched (stale keys served, within 1 h past
   * expiry, while fetching fails). The result is frozen and shared; the same object until a
   * fetch brings a new one.
   */
  get(uri: string | URL): Promise<JWKSet>;
  /**
   * Fetches `uri` again — for a token whose `kid` is not in the set — unless it was fetched
   * less than 30 s ago. Resolves to the current set: a new object when a fetch brought one,
   * else the one {@link JwksCache.get} gives.
   *
   * @param options.reason - why, for diagnostics (default `'unknown-kid'`); every reason obeys the limit
   */
  refresh(uri: string | URL, options?: { reason?: string | undefined }): Promise<JWKSet>;
  /**
   * The `jwks_uri` of an issuer, from its metadata: `/.well-known/oauth-authorization-server`
   * (RFC 8414 §3, inserted before the issuer's path), then `/.well-known/openid-configuration`
   * (inserted, then appended to the path). A document whose `issuer` is not exactly `issuer` is
   * refused (RFC 8414 §3.3). Cached with the same TTL and stale rules as key sets.
   */
  discover(issuer: string): Promise<string>;
  /** The usable entries (key sets and discovered metadata), as plain JSON. */
  export(): JwksCacheState;
  /**
   * Adds the entries of an {@link JwksCache.export} (the object or its JSON text). Junk entries
   * are skipped; every key set is validated again; a TTL is never longer than 24 h and nothing
   * is used past expiry + 1 h; a newer entry already held is kept. Invalid JSON text, an
   * unknown version, `null` and `undefined` (nothing stored yet) import nothing.
   *
   * @returns how many entries were taken
   * @throws TypeError when `state` is neither an object, a string, `null` nor `undefined`.
   */
  import(state: JwksCacheState | string | null | undefined): number;
}

/** The context of one token request. */
export interface VerifyContext {
  /** The authenticated client's identifier; `client_id` must equal it (`ERR_CLIENT`). */
  clientId: string;
  /** The verification time in epoch seconds; default the verifier's `now`, else the system clock. */
  now?: (() => number) | undefined;
  /**
   * The token request's `scope` parameter. When present the granted scopes are its
   * intersection with the grant's; a scope outside the grant is `ERR_SCOPE`.
   */
  scope?: string | undefined;
  /** The token request's RFC 8707 `resource` parameter; it must be among the grant's resources. */
  resource?: string | undefined;
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
  /** The grant's scopes that were not granted, each with the rule that dropped it. */
  droppedScopes: DroppedScope[];
  /** `jti`: the grant's identifier. */
  jti: string;
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
  /** `tenant`, when the grant has one. */
  tenant?: string;
  /** `sub_id` (-04 §3.1, RFC 9493 subject identifier), when the grant has one. */
  subId?: Record<string, unknown>;
  /** True only for a `saml-nameid` `sub_id` whose issuer is in the issuer's `subIdIssuers` (R55). */
  subIdTrusted: boolean;
  /** The verified JOSE header. */
  header: Record<string, unknown>;
  /** Every verified claim. */
  claims: Record<string, unknown>;
}

/**
 * Records single-use grants (their (iss, jti) key) so that a second presentation is refused.
 * Implement it over a shared store (Redis `SET key 1 PXAT <expiresAt × 1000> NX`, a database with a
 * unique index, a Durable Object) when several instances verify grants.
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAt` (epoch seconds). Resolves `true` if this is the first sighting,
   * `false` if the key was already recorded and has not expired. Throwing (or rejecting) fails
   * closed: the grant is refused with `ERR_REPLAY`.
   *
   * @param key - opaque, derived from (iss, jti)
   * @param expiresAt - when the record may be forgotten, epoch seconds: exp + clock tolerance
   * @param nowSec - the verification time the verifier used (its `now`), epoch seconds, for stores that keep
   *   time themselves; may be ignored
   */
  consume(key: string, expiresAt: number, nowSec?: number): Promise<boolean> | boolean;
}

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most entries held at once (default 100000). Unexpired entries are never evicted. */
  maxEntries?: number | undefined;
  /**
   * Called if the wasm core restarted after a trap and the entries were lost. The store then refuses
   * (`ERR_REPLAY`) every grant whose replay deadline is not after `refusedUntil`. Default: one `console.error`.
   */
  onStateLost?: ((info: { /** epoch seconds */ refusedUntil: number }) => void) | undefined;
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
  consume(key: string, expiresAt: number, nowSec?: number): boolean;
  /** Number of entries currently held. */
  readonly size: number;
}

/** Options of {@link RedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /**
   * A connected client you created and manage: node-redis 5 or 6 (`createClient`, `createCluster`,
   * `createSentinel` of the `redis` package) or ioredis 5 or 6 (`new Redis()`, `new Redis.Cluster()`).
   * The store imports neither and `idjag` declares no dependency on them (duck-typed on `set`);
   * node-redis 4 gets its `{ PXAT, NX }` options too but is not tested. Other clients: write a
   * {@link ReplayStore}.
   */
  client: { set(key: string, value: string, ...options: any[]): Promise<unknown> };
  /**
   * Prepended to every key (default `'idjag:jti:'`). Keys are
   * `<prefix><issuer hash>:<jti hash>`, so `SCAN MATCH <prefix><issuer hash>:*` finds one issuer's.
   */
  prefix?: string | undefined;
  /** How long to wait for Redis before refusing the grant (`ERR_REPLAY`), in seconds; default 2. */
  timeoutSec?: number | undefined;
}

/**
 * A {@link ReplayStore} in Redis, shared by every instance that uses the same Redis: a grant
 * redeemed at one instance is `ERR_REPLAY` at all the others. Each grant costs one atomic
 * `SET <key> 1 NX PXAT <deadline>`; exactly one of any number of concurrent presentations wins.
 *
 * Keys are `<prefix><b64url(sha256(iss))[..22]>:<b64url(sha256(jti))>` (namespaced by issuer);
 * neither the `jti` nor the token is ever written to Redis. The key lives for the longer of
 * (`expiresAt` − verification time) and (`expiresAt` − wall clock): a relative TTL, so a
 * Redis clock that differs from yours cannot shorten it.
 *
 * Fails closed: a Redis error, an unexpected reply or no answer within `timeoutSec` refuses the
 * grant with `ERR_REPLAY`. A request that timed out may still reach Redis later; the grant is
 * then used up, never accepted twice.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { IdJagVerifier, RedisReplayStore } from 'idjag';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const verifier = new IdJagVerifier({
 *   audience: 'https://as.example.com',
 *   issuers: [{ issuer: 'https://idp.example.com', jwksUri: 'https://idp.example.com/jwks' }],
 *   resources: ['https://mcp.example.com/mcp'],
 *   replayStore: new RedisReplayStore({ client: redis }),
 * });
 * ```
 */
export declare class RedisReplayStore implements ReplayStore {
  /** @throws {@link IdJagError} `ERR_CONFIG` when `client`, `prefix` or `timeoutSec` is unusable. */
  constructor(options: RedisReplayStoreOptions);
  /**
   * @param key - the verifier's replay key (`<issuer hash>.<jti hash>`); anything else is refused
   * @returns `true` on first sighting, `false` on a replay.
   * @throws {@link IdJagError} `ERR_REPLAY` when Redis fails, times out or the record would
   *   already be expired; `TypeError` for a key or time the verifier would never pass.
   */
  consume(key: string, expiresAt: number, nowSec?: number): Promise<boolean>;
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
  /**
   * True for an IdJagError of any copy of idjag in the process (ESM, the CommonJS builds, any
   * subpath or bundle); `instanceof IdJagError` answers the same.
   */
  static is(value: unknown): value is IdJagError;
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

// ---------------------------------------------------------------------------------------------
// The MCP server (resource server): access tokens

/** Options of {@link AccessTokenVerifier}. Exactly one of `jwks` and `jwksUri`. */
export interface AccessTokenVerifierOptions {
  /** The authorization server's issuer identifier; `iss` must equal it exactly (V4). */
  issuer: string;
  /** This MCP server's resource identifier (canonical URI); `aud` must contain it (V5). */
  audience: string;
  /** The authorization server's public keys. */
  jwks?: JWKSet | undefined;
  /** Where to fetch them (cached; refetched at most once per 30 s on an unknown `kid`). */
  jwksUri?: string | undefined;
  jwksCache?: JwksCache | undefined;
  fetch?: FetchLike | undefined;
  /** Accepted algorithms (default as for grants). */
  algorithms?: Algorithm[] | undefined;
  /** Clock skew tolerated on `exp`/`nbf`, seconds (default 60). */
  clockToleranceSec?: number | undefined;
  /** Scopes every token must carry (V8; missing → `ERR_SCOPE`, 403 `insufficient_scope`). */
  requiredScopes?: string[] | undefined;
  /**
   * The `OAuthError` class of `@modelcontextprotocol/server`: then {@link AccessTokenVerifier.verifyAccessToken}
   * rejects with `new OAuthError('invalid_token' | 'insufficient_scope', message)`, which
   * `requireBearerAuth` turns into 401 / 403 with the `WWW-Authenticate` challenge.
   */
  OAuthError?: (new (code: string, message: string) => Error) | undefined;
  /**
   * The cache of verified tokens (issue 14): a repeat of a token costs a SHA-256 and a lookup.
   * Default on, `{ maxEntries: 1000, maxAgeSec: 300 }`; `false` turns it off. Never serves a
   * token past `exp` (+ tolerance), before `nbf`, or after the key set changed.
   */
  cache?: false | { maxEntries?: number | undefined; maxAgeSec?: number | undefined } | undefined;
  /**
   * Asked on every call, hit or miss, after the token verified: `true` refuses it (`ERR_POLICY`,
   * 401 `invalid_token`). A throw or rejection refuses it with that error.
   */
  isRevoked?: ((claims: Record<string, unknown>) => boolean | Promise<boolean>) | undefined;
  /** The clock, epoch seconds; default `() => Date.now() / 1000`. A `verify` call's `now` overrides it. */
  now?: (() => number) | undefined;
}

/** {@link AccessTokenVerifier.cacheStats}. */
export interface AccessTokenCacheStats {
  /** False when `cache: false`, or the runtime has no SHA-256 (neither node:crypto nor WebCrypto). */
  enabled: boolean;
  hits: number;
  misses: number;
  evictions: number;
  entries: number;
  maxEntries: number;
  maxAgeSec: number;
  /** How the token is hashed: `'node:crypto.hash'`, `'node:crypto.createHash'`, `'webcrypto'`, or null. */
  hash: string | null;
}

/** What a valid access token says. */
export interface AccessTokenInfo {
  issuer: string;
  subject: string;
  clientId: string;
  /** The resource the token is for (this server). */
  resource: string;
  scopes: string[];
  /** `exp`, seconds since the epoch. */
  expiresAt: number;
  jti: string;
  /** The IdP that vouched for the user (from the token's `sub_id`, RFC 9493 `iss_sub`). */
  idpIssuer?: string;
  /** The token's `sub_id`: `{ format: 'iss_sub', iss, sub }` as idjag mints it. */
  subId?: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** The MCP SDK's `AuthInfo` (what `requireBearerAuth` hands to your tools). */
export interface McpAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  resource: URL;
  extra: { subject: string; issuer: string; jti: string; idpIssuer?: string; subId?: Record<string, unknown> };
}

/**
 * Checks the RFC 9068 access token of every MCP call (V2–V8): `typ` `at+jwt` only (an ID-JAG
 * presented as a bearer token is refused, S16), exact `iss`, `aud` containing this server,
 * signature, expiry, scopes. Implements the MCP SDK's `OAuthTokenVerifier`.
 *
 * @example
 * ```ts
 * import { OAuthError, requireBearerAuth } from '@modelcontextprotocol/server';
 * const verifier = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${AS}/jwks`, OAuthError });
 * const gate = requireBearerAuth({ verifier, resourceMetadataUrl });
 * ```
 */
export declare class AccessTokenVerifier {
  /** @throws {@link IdJagError} `ERR_CONFIG`. */
  constructor(options: AccessTokenVerifierOptions);
  /**
   * @throws {@link IdJagError} (as a rejection); `ERR_SCOPE` when a required scope is missing,
   * `ERR_POLICY` when `isRevoked` refused it. With the cache on, the result is frozen.
   */
  verify(token: string, options?: { now?: (() => number) | undefined; requiredScopes?: string[] | undefined }): Promise<AccessTokenInfo>;
  /** The MCP SDK's `OAuthTokenVerifier.verifyAccessToken`. */
  verifyAccessToken(token: string): Promise<McpAuthInfo>;
  /** Hits, misses and size of the cache of verified tokens. */
  cacheStats(): AccessTokenCacheStats;
}

// ---------------------------------------------------------------------------------------------
// Inspecting a grant (decoding without verifying)

/**
 * The stable finding codes of {@link inspect}, each citing a rule of the rulebook
 * (`docs/internals.md` "Inspect and the test issuer"). A code never changes once released.
 */
export type FindingCode =
  | 'malformed'
  | 'jwe'
  | 'typ-missing'
  | 'typ-wrong'
  | 'typ-access-token'
  | 'typ-id-token'
  | 'alg-none'
  | 'alg-hmac'
  | 'alg-unusual'
  | 'crit'
  | 'b64'
  | 'header-key-reference'
  | 'kid-missing'
  | 'claim-missing'
  | 'claim-type'
  | 'aud-multiple'
  | 'aud-mismatch'
  | 'resource-missing'
  | 'resource-mismatch'
  | 'client-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'lifetime-invalid'
  | 'lifetime-long'
  | 'expires-in'
  | 'cnf'
  | 'authorization-details'
  | 'pii'
  | 'act';

/** One observation about a grant. */
export interface Finding {
  /** What was found, stable across releases. */
  code: FindingCode;
  /** `error`: a verifier will refuse the grant; `warning`: it may; `info`: worth knowing. */
  severity: 'error' | 'warning' | 'info';
  /** A short sentence for people; names near misses (a trailing slash, letter case, …). */
  message: string;
  /** The rulebook id the finding cites (`R20`, `S16`, …). */
  rule: string;
  /** The claim concerned, where there is one. */
  claim?: string;
}

/** What the caller expects of the grant. Every member is optional. */
export interface InspectExpect {
  /** The authorization server's `issuer` (from its RFC 8414 metadata): `aud` should equal it. */
  audience?: string | undefined;
  /** The MCP server's resource identifier (from its RFC 9728 metadata). */
  resource?: string | undefined;
  /** The client's `client_id` at the authorization server. */
  clientId?: string | undefined;
  /** The time to judge `exp`/`nbf`/`iat` against, epoch seconds; default the system clock. */
  now?: (() => number) | undefined;
}

/** The decoded — NOT verified — grant and the findings about it. */
export interface InspectResult {
  /** The JOSE header, or `null` when it could not be decoded. Untrusted. */
  header: Record<string, unknown> | null;
  /** The claims, or `null` when they could not be decoded. Untrusted. */
  claims: Record<string, unknown> | null;
  /** What a verifier would think of it, in the order the checks ran. */
  findings: Finding[];
}

/**
 * Decodes a grant **without verifying its signature** and lints it: wrong `typ` (an access
 * token or ID token passed as a grant), `alg` outside the usual allow-list, missing claims,
 * `aud`/`resource`/`client_id` mismatches (including trailing-slash and case traps), remaining
 * lifetime, `cnf`/`authorization_details` an authorization server may refuse, PII present.
 *
 * Nothing it returns can be trusted — anyone can write any claims into an unsigned token. Use
 * it to look at a grant before exchanging it, or to explain a refusal; decide with
 * {@link IdJagVerifier.verify}. Never throws for a string token: a malformed one gives a
 * `malformed` finding.
 *
 * @example
 * ```ts
 * const { claims, findings } = inspect(grant, { audience: as.issuer, resource: mcpServerUrl });
 * for (const f of findings) console.log(`${f.severity} ${f.code} (${f.rule}): ${f.message}`);
 * ```
 * @throws TypeError when `token` is not a string or `expect` is malformed.
 */
export declare function inspect(token: string, expect?: InspectExpect): InspectResult;

/**
 * Resolves once the WebAssembly core is instantiated. Node, Bun, Deno and Workers instantiate it
 * synchronously on first use: nothing needs to await this there. In browsers and web workers it
 * loads asynchronously from import on; constructors and async methods wait by themselves, the
 * synchronous APIs (`inspect`, `inspectJwks`, `new TestIssuer`, `AccessTokenIssuer`,
 * `createTokenEndpoint`) need it awaited once. Rejects with IdJagError `ERR_CONFIG` when the
 * wasm cannot be loaded (a later call tries again).
 */
export declare function ready(): Promise<void>;

/**
 * What idjag's key layer makes of a JWK Set (the object or its JSON text): the usable keys and the keys
 * set aside with their reasons. Nothing is trusted or installed.
 * @throws {@link IdJagError} `ERR_CONFIG` when it is not a JWK Set, or no usable key remains.
 */
export declare function inspectJwks(jwks: JWKSet | string): JwksReport;

// ---------------------------------------------------------------------------------------------
// Client side: discovery, token exchange at the IdP, jwt-bearer at the MCP authorization server

/**
 * A `fetch`-compatible function. The helpers call it as `fetch(url, init)` with a string URL,
 * `redirect: 'manual'` (redirects are refused) and an `AbortSignal` (10 s timeout).
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Options common to the client helpers. */
export interface ClientRequestOptions {
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: FetchLike | undefined;
  /** Aborts the request (besides the built-in 10 s timeout). */
  signal?: AbortSignal | undefined;
}

/**
 * A remote server's answer the helpers cannot use. Thrown for an OAuth error response
 * (RFC 6749 §5.2: `error` is the server's code, e.g. `invalid_grant`) and for a response or
 * metadata document that breaks the protocol (`error` is `invalid_response` or
 * `invalid_metadata`; `rule` cites the check, e.g. `C2`, `RFC 8414 §3.3`). Never contains a
 * token. Network failures and timeouts reject with a plain `Error` instead; invalid arguments
 * (an `http:` URL on a non-loopback host, a missing option) throw {@link IdJagError}
 * `ERR_CONFIG` before any request is made.
 */
export declare class OAuthResponseError extends Error {
  /** Normally created by the library. */
  constructor(
    message: string,
    details: { error: string; errorDescription?: string; errorUri?: string; status: number; rule?: string; url?: string; cause?: unknown },
  );
  /** True for an OAuthResponseError of any copy of idjag in the process; `instanceof` answers the same. */
  static is(value: unknown): value is OAuthResponseError;
  /** Always `'OAuthResponseError'`. */
  readonly name: 'OAuthResponseError';
  /** The server's OAuth `error` code, or `invalid_response` / `invalid_metadata`. */
  readonly error: string;
  /** The server's `error_description` (at most 200 characters). */
  readonly errorDescription?: string;
  /** The server's `error_uri`. */
  readonly errorUri?: string;
  /** The HTTP status of the response. */
  readonly status: number;
  /** The rule the response breaks (`C1`–`C7`, `RFC 9728 §3.3`, …), for protocol violations. */
  readonly rule?: string;
  /** The URL of a metadata document at fault. */
  readonly url?: string;
}

/** Options of {@link discover}. */
export interface DiscoverOptions extends ClientRequestOptions {
  /**
   * The protected-resource metadata URL from the server's `WWW-Authenticate: Bearer
   * resource_metadata="…"` header, when you have it; else the well-known URLs are tried.
   */
  resourceMetadataUrl?: string | URL | undefined;
}

/** What {@link discover} found. */
export interface DiscoveryResult {
  /** The MCP server's resource identifier (the metadata's `resource`, equal to the URL given). */
  resource: string;
  /** The authorization server's issuer identifier: the `audience` of the token exchange. */
  authorizationServer: string;
  /** The authorization server's RFC 8414 metadata (`token_endpoint`, …), identity-checked. */
  metadata: Record<string, unknown> & { issuer: string; token_endpoint?: string };
  /** Whether `authorization_grant_profiles_supported` lists `urn:ietf:params:oauth:grant-profile:id-jag`. */
  supportsIdJag: boolean;
  /** The RFC 9728 protected-resource metadata. */
  resourceMetadata: Record<string, unknown> & { resource: string; authorization_servers: string[] };
}

/**
 * Discovers the authorization server of an MCP server: RFC 9728 protected-resource metadata
 * (`/.well-known/oauth-protected-resource` inserted before the path, then at the root), whose
 * `resource` must equal `mcpServerUrl` exactly; then the RFC 8414 metadata of its first
 * authorization server (`/.well-known/oauth-authorization-server`, falling back to
 * `openid-configuration`), whose `issuer` must equal the URL it was fetched for.
 *
 * @throws {@link OAuthResponseError} (`invalid_metadata`) when a document is missing or fails an identity check.
 * @throws {@link IdJagError} `ERR_CONFIG` for a URL that is not https (or http on a loopback host).
 */
export declare function discover(mcpServerUrl: string | URL, options?: DiscoverOptions): Promise<DiscoveryResult>;

/** The RFC 8693 subject token types an IdP accepts for an ID-JAG. */
export type SubjectTokenType =
  | 'urn:ietf:params:oauth:token-type:id_token'
  | 'urn:ietf:params:oauth:token-type:saml2'
  | 'urn:ietf:params:oauth:token-type:refresh_token';

/** Options of {@link requestIdJag}. Client authentication: `clientSecret` (HTTP Basic), `clientAssertion` (private_key_jwt), or neither (a public client: `client_id` in the body). */
export interface RequestIdJagOptions extends ClientRequestOptions {
  /** The IdP's token endpoint. */
  tokenEndpoint: string | URL;
  /** The MCP authorization server's issuer identifier ({@link DiscoveryResult.authorizationServer}). */
  audience: string;
  /** The MCP server's resource identifier ({@link DiscoveryResult.resource}). */
  resource?: string | undefined;
  /** Space-separated scopes at the MCP server. */
  scope?: string | undefined;
  /** The user's ID token (or SAML assertion, or IdP refresh token). A secret: never logged. */
  subjectToken: string;
  /** The type of `subjectToken`. */
  subjectTokenType: SubjectTokenType | (string & {});
  /** The client's id at the IdP. */
  clientId: string;
  /** The client's secret at the IdP, sent with `client_secret_basic`. */
  clientSecret?: string | undefined;
  /**
   * With `clientSecret`: also send `client_id` as a form parameter (identification, RFC 6749
   * §3.2.1; Basic stays the one authentication method). Default `true`.
   */
  clientIdInBody?: boolean | undefined;
  /** A signed client assertion (RFC 7523 §2.2, `private_key_jwt`). Not with `clientSecret`. */
  clientAssertion?: string | undefined;
  /**
   * The client's id at the MCP authorization server, when you know it: the grant's
   * `client_id` is then checked by {@link inspect} (`client-mismatch`). It often differs
   * from `clientId` (the id at the IdP), so it is not checked unless given.
   */
  grantClientId?: string | undefined;
}

/** What {@link requestIdJag} returns. */
export interface IdJagResponse {
  /** The ID-JAG. A credential: do not log it, keep it no longer than `expiresIn`. */
  grant: string;
  /** The grant's lifetime in seconds, when the IdP said. */
  expiresIn?: number;
  /** The granted scopes (the requested ones when the IdP did not say). */
  scope?: string;
  /** {@link inspect} findings against the requested audience, resource (and `grantClientId`). */
  findings: Finding[];
}

/**
 * RFC 8693 token exchange at the IdP: trades the user's identity assertion for an ID-JAG
 * (`requested_token_type=urn:ietf:params:oauth:token-type:id-jag`). Checks the response:
 * HTTP 200 JSON (C1), `issued_token_type` is `urn:ietf:params:oauth:token-type:id-jag` (C2),
 * a compact token (C3), `token_type` `N_A` case-insensitively (C4), `expires_in` positive (C7).
 * The grant is decoded, not verified — the MCP authorization server verifies it (C12).
 *
 * @example With `@modelcontextprotocol/client`'s `CrossAppAccessProvider`:
 * ```ts
 * assertion: async (ctx) => (await requestIdJag({
 *   tokenEndpoint: IDP_TOKEN_ENDPOINT, audience: ctx.authorizationServerUrl, resource: ctx.resourceUrl,
 *   scope: ctx.scope, subjectToken: idToken, subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
 *   clientId: IDP_CLIENT_ID, clientSecret: IDP_CLIENT_SECRET, fetch: ctx.fetchFn,
 * })).grant
 * ```
 * @throws {@link OAuthResponseError} for an OAuth error response or a response breaking C1–C7.
 * @throws {@link IdJagError} `ERR_CONFIG` for invalid options (before any request).
 */
export declare function requestIdJag(options: RequestIdJagOptions): Promise<IdJagResponse>;

/** Options of {@link exchangeIdJag}. */
export interface ExchangeIdJagOptions extends ClientRequestOptions {
  /** The MCP authorization server's `token_endpoint` ({@link DiscoveryResult.metadata}). */
  tokenEndpoint: string | URL;
  /** The ID-JAG from {@link requestIdJag}. */
  grant: string;
  /** The client's id at the MCP authorization server. */
  clientId: string;
  /** The client's secret there (not with `authMethod: 'none'`). */
  clientSecret?: string | undefined;
  /**
   * How the client authenticates; default `client_secret_basic` (HTTP Basic, with `client_id`
   * also in the body unless `clientIdInBody` is false).
   */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'none' | undefined;
  /**
   * With `client_secret_basic`: also send `client_id` as a form parameter. It identifies the
   * client (RFC 6749 §3.2.1) without being a second authentication method (§2.3.1); servers
   * that look the client up from the body (the MCP Python SDK's authorization server) need it.
   * Default `true`.
   */
  clientIdInBody?: boolean | undefined;
  /** Narrows the scopes of the access token. */
  scope?: string | undefined;
  /** The RFC 8707 resource the access token is for. */
  resource?: string | undefined;
}

/** An access token from {@link exchangeIdJag}. */
export interface AccessTokenResponse {
  /** The access token. A credential: never log it. */
  accessToken: string;
  /** `Bearer`, or `DPoP` for a sender-constrained token. */
  tokenType: 'Bearer' | 'DPoP';
  /** Lifetime in seconds, when the server said. */
  expiresIn?: number;
  /** The granted scopes (the requested ones when the server did not say). */
  scope?: string;
}

/**
 * RFC 7523 jwt-bearer request at the MCP authorization server
 * (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<ID-JAG>`): trades the
 * grant for an access token. Requires `access_token` and `token_type` Bearer or DPoP.
 *
 * @throws {@link OAuthResponseError} for an OAuth error response (`invalid_grant`, …) or an unusable response.
 * @throws {@link IdJagError} `ERR_CONFIG` for invalid options (before any request).
 */
export declare function exchangeIdJag(options: ExchangeIdJagOptions): Promise<AccessTokenResponse>;

/** Options of {@link clientMetadata}. Other RFC 7591 members (snake_case) are copied as given. */
export interface ClientMetadataOptions {
  /**
   * For a Client ID Metadata Document: its own https URL (with a path, no query), which is the
   * client's `client_id`. Such a client holds no shared secret: `tokenEndpointAuthMethod`
   * must be `private_key_jwt` or `none`. Leave out for a registration request (RFC 7591).
   */
  clientId?: string | undefined;
  clientName?: string | undefined;
  clientUri?: string | undefined;
  /** Space-separated scopes the client may ask for. */
  scope?: string | undefined;
  /** Only for clients that also use a redirect-based flow; omitted when empty. */
  redirectUris?: string[] | undefined;
  /** Grant types besides the token exchange and jwt-bearer, which are always listed. */
  grantTypes?: string[] | undefined;
  /** Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none' | undefined;
  /** The client's public keys (for `private_key_jwt`): by URL ... */
  jwksUri?: string | undefined;
  /** ... or by value (public keys only). */
  jwks?: JWKSet | undefined;
  [member: string]: unknown;
}

/** RFC 7591 / Client ID Metadata Document client metadata, as {@link clientMetadata} builds it. */
export interface ClientMetadata {
  client_id?: string;
  client_name?: string;
  client_uri?: string;
  scope?: string;
  redirect_uris?: string[];
  /** Always includes `urn:ietf:params:oauth:grant-type:token-exchange` and `urn:ietf:params:oauth:grant-type:jwt-bearer`. */
  grant_types: string[];
  /** `['urn:ietf:params:oauth:grant-profile:id-jag']` */
  authorization_grant_profiles_supported: string[];
  token_endpoint_auth_method: string;
  jwks_uri?: string;
  jwks?: JWKSet;
  [member: string]: unknown;
}

/**
 * The client metadata of an ID-JAG client (rule C13; ID-JAG -04 §8): lists
 * `authorization_grant_profiles_supported: ["urn:ietf:params:oauth:grant-profile:id-jag"]`,
 * and therefore both the token-exchange and the jwt-bearer grant in `grant_types`. Send it as
 * a dynamic registration request (RFC 7591) or serve it as a Client ID Metadata Document.
 * The wasm core decides its grant members and checks its URLs: in a browser, `await ready()` before calling it.
 *
 * @example
 * ```ts
 * const doc = clientMetadata({ clientId: 'https://app.example.com/client.json', clientName: 'Files agent',
 *                              tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example.com/jwks.json' });
 * ```
 * @throws {@link IdJagError} `ERR_CONFIG` for invalid options.
 */
export declare function clientMetadata(options?: ClientMetadataOptions): ClientMetadata;
