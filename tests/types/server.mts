// Type-checks pkg/server.d.ts (`idjag/server`) as an ESM consumer sees it.
import {
  AccessTokenIssuer,
  AccessTokenVerifier,
  IdJagVerifier,
  authorizationServerMetadata,
  createTokenEndpoint,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  type DecisionEvent,
  type GrantPolicy,
  type TokenEndpointOptions,
} from 'idjag/server';

const policy: GrantPolicy = {
  claims: { groups: 'groups' },
  rules: [
    { id: 'eng', effect: 'allow', groups: ['engineering'], scopes: ['files.read'] },
    { effect: 'deny', groups: ['contractors'] },
  ],
};
const tokens = new AccessTokenIssuer({ issuer: 'https://as.example', alg: 'ES256', lifetimeSec: 600 });
const issuerName: string = tokens.issuer;
const options: TokenEndpointOptions = {
  grants: { audience: issuerName, issuers: [{ issuer: 'https://idp.example', discover: true }], resources: ['https://mcp.example/mcp'], policy, scopeRequest: 'intersect' },
  accessTokenIssuer: tokens,
  clients: [
    { clientId: 'c1', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: '0123456789abcdef' },
    { clientId: 'c2', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://c2.example/jwks' },
  ],
  onDecision: (e: DecisionEvent) => {
    const outcome: 'success' | 'failure' = e['event.outcome'];
    const checks: string[] = e['idjag.checks'];
    void outcome;
    void checks;
  },
  audit: { hashSubject: true, salt: 's' },
};
const endpoint: (request: Request) => Promise<Response> = createTokenEndpoint(options);
void endpoint;
const minted = tokens.mint({ subject: 'u', clientId: 'c1', resources: ['https://mcp.example/mcp'], scopes: ['files.read'] });
const at: string = minted.accessToken;

const rs = new AccessTokenVerifier({ issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwks: tokens.jwks(), requiredScopes: ['files.read'] });
const info = await rs.verify(at, { now: () => Date.now() / 1000 });
const scopes: string[] = info.scopes;
const auth = await rs.verifyAccessToken(at);
const resource: URL = auth.resource;
void scopes;
void resource;
const cached = new AccessTokenVerifier({
  issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwks: tokens.jwks(),
  cache: { maxEntries: 100, maxAgeSec: 60 }, isRevoked: async (claims) => claims['jti'] === 'revoked',
});
const hits: number = cached.cacheStats().hits;
const off = new AccessTokenVerifier({ issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwks: tokens.jwks(), cache: false, isRevoked: () => false });
const enabled: boolean = off.cacheStats().enabled;
void hits;
void enabled;

const grant = await new IdJagVerifier(options.grants).verify('t', { clientId: 'c1' });
const dropped: Array<{ scope: string; rule: string }> = grant.droppedScopes;
void dropped;
const asMeta: Record<string, unknown> = authorizationServerMetadata({ issuer: 'https://as.example', tokenEndpoint: 'https://as.example/token', jwksUri: 'https://as.example/jwks' });
const prm = protectedResourceMetadata({ resource: 'https://mcp.example/mcp', authorizationServers: ['https://as.example'] });
const prmUrl: string = protectedResourceMetadataUrl('https://mcp.example/mcp');
void asMeta;
void prm;
void prmUrl;

// @ts-expect-error an unknown auth method
createTokenEndpoint({ ...options, clients: [{ clientId: 'x', tokenEndpointAuthMethod: 'tls_client_auth' }] });
