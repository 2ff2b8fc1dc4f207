// Every option documented in README.md and pkg/README.md (and every serde name of the Rust
// option structs: src/grant/options.rs VerifierOptions/IssuerOptions, src/server/client_auth.rs
// ClientOptions/ClientRegistryOptions, src/wasm/access_token.rs, src/wasm/server.rs,
// src/wasm/testing.rs) is given here once with a value, so a documented option missing from
// the declarations fails `make test-types`. The second half forwards `T | undefined` values,
// as code does under `exactOptionalPropertyTypes`.
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  IdJagVerifier,
  JwksCache,
  MemoryReplayStore,
  RedisReplayStore,
  authorizationServerMetadata,
  clientMetadata,
  createTokenEndpoint,
  discover,
  exchangeIdJag,
  inspect,
  inspectJwks,
  protectedResourceMetadata,
  requestIdJag,
  type AccessTokenVerifierOptions,
  type ClientRegistration,
  type GrantPolicy,
  type IssuerOptions,
  type JWK,
  type JWKSet,
  type TokenEndpointOptions,
  type VerifierOptions,
  type VerifyContext,
} from 'idjag/server';
import { TestIssuer, type MintParams } from 'idjag/testing';

declare const fetchImpl: (url: string, init: RequestInit) => Promise<Response>;
declare const signal: AbortSignal;

// --- keys: idjag's own JWK types -------------------------------------------------------------
const ecKey: JWK = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', use: 'sig', alg: 'ES256', key_ops: ['verify'] };
const rsaKey: JWK = { kty: 'RSA', n: 'n', e: 'AQAB', x5c: ['MII'], x5t: 't', 'x5t#S256': 't', x5u: 'https://x', custom: 1 };
const jwks: JWKSet = { keys: [ecKey, rsaKey] };
// @ts-expect-error kty is required (RFC 7517 §4.1)
const noKty: JWK = { kid: 'k' };
// @ts-expect-error keys must be JWKs, not strings
const badSet: JWKSet = { keys: ['k'] };
void noKty;
void badSet;

// --- IdJagVerifier ---------------------------------------------------------------------------
const policy: GrantPolicy = {
  claims: { groups: 'groups', roles: 'roles' },
  rules: [
    { id: 'r1', effect: 'allow', issuers: ['*'], clients: ['c1'], subjects: ['u1'], groups: ['g'], roles: ['r'], resources: ['https://mcp.example/mcp'], scopes: ['files.read'] },
    { effect: 'deny', groups: ['contractors'] },
  ],
};
const issuers: IssuerOptions[] = [
  { issuer: 'https://idp.example', jwks, algorithms: ['ES256', 'RS256'], tenant: 't1', subIdIssuers: ['urn:saml:idp'], requireSubId: 'saml-nameid' },
  { issuer: 'https://idp2.example', jwksUri: 'https://idp2.example/jwks' },
  { issuer: 'https://idp3.example', discover: true },
];
const jwksCache = new JwksCache({
  fetch: fetchImpl,
  now: () => Date.now() / 1000,
  timeoutSec: 5,
  maxEntries: 1000,
  onKeysSetAside: ({ url, setAside }) => { void url; void setAside.map((k) => [k.index, k.kid, k.reason]); },
});
const verifierOptions: VerifierOptions = {
  audience: 'https://as.example',
  issuers,
  resources: ['https://mcp.example/mcp'],
  requireResource: true,
  algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'],
  clockToleranceSec: 60,
  maxLifetimeSec: 300,
  maxTokenBytes: 16384,
  replay: 'single-use',
  replayStore: new MemoryReplayStore({ maxEntries: 100000, onStateLost: ({ refusedUntil }) => void refusedUntil.toFixed() }),
  jwksCache,
  fetch: fetchImpl,
  scopeRequest: 'intersect',
  policy,
  tenant: 'as-tenant',
  audTenant: 'aud-tenant',
  audSub: 'aud-sub',
  allowAuthorizationDetails: true,
};
const verifier = new IdJagVerifier(verifierOptions);
const ctx: VerifyContext = { clientId: 'c1', now: () => Date.now() / 1000, scope: 'files.read', resource: 'https://mcp.example/mcp' };
const grant = await verifier.verify('token', ctx);
const subIdTrusted: boolean = grant.subIdTrusted;
void subIdTrusted;

declare const redisClient: { set(key: string, value: string, ...options: any[]): Promise<unknown> };
const redisStore = new RedisReplayStore({ client: redisClient, prefix: 'idjag:jti:', timeoutSec: 2 });
void redisStore;
await jwksCache.refresh('https://idp.example/jwks', { reason: 'unknown-kid' });

// --- AccessTokenVerifier, AccessTokenIssuer --------------------------------------------------
declare class OAuthError extends Error { constructor(code: string, message: string); }
const atOptions: AccessTokenVerifierOptions = {
  issuer: 'https://as.example',
  audience: 'https://mcp.example/mcp',
  jwksUri: 'https://as.example/jwks',
  jwksCache,
  fetch: fetchImpl,
  algorithms: ['ES256'],
  clockToleranceSec: 60,
  requiredScopes: ['files.read'],
  OAuthError,
};
const atVerifier = new AccessTokenVerifier(atOptions);
new AccessTokenVerifier({ issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwks });
await atVerifier.verify('t', { now: () => Date.now() / 1000, requiredScopes: ['files.write'] });

const accessTokenIssuer = new AccessTokenIssuer({ issuer: 'https://as.example', alg: 'ES256', kid: 'as-1', privateJwk: ecKey, lifetimeSec: 300 });
const minted = accessTokenIssuer.mint(
  { subject: 'u', clientId: 'c1', resources: ['https://mcp.example/mcp'], scopes: ['files.read'], claims: { act: { sub: 'agent' } } },
  { now: () => Date.now() / 1000 },
);
void minted.jti;
const publicKeys: JWKSet = accessTokenIssuer.jwks();
const privateKey: JWK = accessTokenIssuer.privateJwk();
void publicKeys;
void privateKey;

// --- createTokenEndpoint ---------------------------------------------------------------------
const clients: ClientRegistration[] = [
  { clientId: 'c1', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: '0123456789abcdef', grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], allowedIssuers: ['https://idp.example'] },
  { clientId: 'c2', tokenEndpointAuthMethod: 'client_secret_post', clientSecret: '0123456789abcdef' },
  { clientId: 'c3', tokenEndpointAuthMethod: 'private_key_jwt', jwks },
  { clientId: 'c4', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://c4.example/jwks' },
  { clientId: 'c5', tokenEndpointAuthMethod: 'none' },
];
const endpointOptions: TokenEndpointOptions = {
  grants: verifierOptions,
  accessTokenIssuer,
  clients,
  tokenEndpoint: 'https://as.example/token',
  allowPublicClients: true,
  clientAssertionAlgorithms: ['ES256', 'RS256'],
  onDecision: (event) => void event['event.outcome'],
  audit: { hashSubject: false, salt: 'salt' },
  jwksCache,
  fetch: fetchImpl,
  now: () => Date.now() / 1000,
  legacyClientAssertionAudience: true,
  maxAssertionsPerClient: 1000,
  mapSubject: async (g) => (g.issuer === 'https://idp.example' ? `local:${g.subject}` : undefined),
};
const endpoint: (request: Request) => Promise<Response> = createTokenEndpoint(endpointOptions);
void endpoint;
authorizationServerMetadata({
  issuer: 'https://as.example', tokenEndpoint: 'https://as.example/token', jwksUri: 'https://as.example/jwks',
  tokenEndpointAuthMethods: ['client_secret_basic'], scopesSupported: ['files.read'],
  refusingAuthorizationEndpoint: 'https://as.example/authorize', service_documentation: 'https://as.example/docs',
});
protectedResourceMetadata({ resource: 'https://mcp.example/mcp', authorizationServers: ['https://as.example'], scopesSupported: ['files.read'], resourceName: 'Files' });

// --- client side -----------------------------------------------------------------------------
const found = await discover('https://mcp.example/mcp', { fetch: fetchImpl, signal, resourceMetadataUrl: 'https://mcp.example/.well-known/oauth-protected-resource/mcp' });
const { grant: idJag } = await requestIdJag({
  tokenEndpoint: 'https://idp.example/token', audience: found.authorizationServer, resource: found.resource,
  scope: 'files.read', subjectToken: 'id-token', subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
  clientId: 'idp-client', clientSecret: 'secret', clientIdInBody: true, grantClientId: 'c1', fetch: fetchImpl, signal,
});
await requestIdJag({
  tokenEndpoint: new URL('https://idp.example/token'), audience: 'https://as.example',
  subjectToken: 'saml', subjectTokenType: 'urn:ietf:params:oauth:token-type:saml2', clientId: 'idp-client', clientAssertion: 'jwt',
});
// metadata.token_endpoint is optional in RFC 8414 terms: narrow it before use.
const tokenEndpoint = found.metadata.token_endpoint;
if (tokenEndpoint === undefined) throw new Error('no token_endpoint');
await exchangeIdJag({
  tokenEndpoint, grant: idJag, clientId: 'c1', clientSecret: 'secret', authMethod: 'client_secret_post',
  clientIdInBody: false, scope: 'files.read', resource: found.resource, fetch: fetchImpl, signal,
});
// @ts-expect-error an optional token_endpoint cannot go straight to a required tokenEndpoint
await exchangeIdJag({ tokenEndpoint: found.metadata.token_endpoint, grant: idJag, clientId: 'c1' });
clientMetadata({
  clientId: 'https://app.example/client.json', clientName: 'App', clientUri: 'https://app.example', scope: 'files.read',
  redirectUris: ['https://app.example/cb'], grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'private_key_jwt',
  jwksUri: 'https://app.example/jwks', logo_uri: 'https://app.example/logo.png',
});
clientMetadata({ jwks, tokenEndpointAuthMethod: 'private_key_jwt' });
inspect(idJag, { audience: 'https://as.example', resource: 'https://mcp.example/mcp', clientId: 'c1', now: () => Date.now() / 1000 });
inspectJwks(jwks);
inspectJwks(JSON.stringify(jwks));

// --- testing ---------------------------------------------------------------------------------
const idp = new TestIssuer({ issuer: 'https://idp.test', alg: 'ES256', kid: 'k1', privateJwk: ecKey });
const mintParams: MintParams = {
  audience: 'https://as.example', clientId: 'c1', now: () => Date.now() / 1000, subject: 'u', resource: ['https://mcp.example/mcp'],
  scope: 'files.read', lifetimeSec: 60, jti: 'j', tenant: 't', claims: { groups: ['g'] },
};
idp.mint(mintParams);
const testKeys: JWKSet = idp.jwks();
void testKeys;

// --- exactOptionalPropertyTypes: forwarding values that may be undefined --------------------
declare const params: { assertion: string; scope?: string | undefined; resource?: string | undefined };
declare const maybe: {
  s?: string | undefined; n?: number | undefined; b?: boolean | undefined; list?: string[] | undefined; clock?: (() => number) | undefined;
};
await verifier.verify(params.assertion, { clientId: 'c1', scope: params.scope, resource: params.resource, now: maybe.clock });
new IdJagVerifier({
  audience: 'https://as.example',
  issuers: [{ issuer: 'https://idp.example', jwks, tenant: maybe.s, discover: maybe.b, algorithms: undefined }],
  resources: maybe.list, requireResource: maybe.b, clockToleranceSec: maybe.n, maxLifetimeSec: maybe.n,
  maxTokenBytes: maybe.n, replay: undefined, replayStore: undefined, jwksCache: undefined, fetch: undefined,
  scopeRequest: undefined, policy: undefined, tenant: maybe.s, audTenant: maybe.s, audSub: maybe.s,
  allowAuthorizationDetails: maybe.b,
});
new MemoryReplayStore({ maxEntries: maybe.n, onStateLost: undefined });
new RedisReplayStore({ client: redisClient, prefix: maybe.s, timeoutSec: maybe.n });
new AccessTokenVerifier({
  issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwksUri: maybe.s ?? 'https://as.example/jwks',
  jwksCache: undefined, fetch: undefined, algorithms: undefined, clockToleranceSec: maybe.n, requiredScopes: maybe.list, OAuthError: undefined,
});
new AccessTokenIssuer({ issuer: 'https://as.example', alg: undefined, kid: maybe.s, privateJwk: undefined, lifetimeSec: maybe.n });
createTokenEndpoint({
  grants: verifierOptions, accessTokenIssuer,
  clients: [{ clientId: 'c1', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: maybe.s, jwks: undefined, jwksUri: maybe.s, grantTypes: maybe.list, allowedIssuers: maybe.list }],
  tokenEndpoint: maybe.s, allowPublicClients: maybe.b, clientAssertionAlgorithms: undefined, onDecision: undefined,
  audit: { hashSubject: maybe.b, salt: maybe.s }, jwksCache: undefined, fetch: undefined, now: undefined,
  legacyClientAssertionAudience: maybe.b, maxAssertionsPerClient: maybe.n, mapSubject: undefined,
});
await requestIdJag({
  tokenEndpoint: 'https://idp.example/token', audience: 'https://as.example', resource: params.resource, scope: params.scope,
  subjectToken: 't', subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token', clientId: 'x', clientSecret: maybe.s,
  clientIdInBody: maybe.b, clientAssertion: maybe.s, grantClientId: maybe.s, fetch: undefined, signal: undefined,
});
await exchangeIdJag({
  tokenEndpoint: 'https://as.example/token', grant: 'g', clientId: 'c1', clientSecret: maybe.s, authMethod: undefined,
  clientIdInBody: maybe.b, scope: params.scope, resource: params.resource, fetch: undefined, signal: undefined,
});
new TestIssuer({ issuer: 'https://idp.test', alg: undefined, kid: maybe.s, privateJwk: undefined });
new JwksCache({ fetch: undefined, now: undefined, timeoutSec: maybe.n, maxEntries: maybe.n, onKeysSetAside: undefined });
inspect('t', { audience: maybe.s, resource: maybe.s, clientId: maybe.s, now: maybe.clock });
