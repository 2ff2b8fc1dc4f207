// Type-checks the public declarations (pkg/index.d.ts) as an ESM consumer sees them.
import {
  ERROR_CODES,
  IdJagError,
  IdJagVerifier,
  MemoryReplayStore,
  type ErrorCode,
  type ReplayStore,
  type VerifiedGrant,
  type VerifierOptions,
} from 'idjag';

const options: VerifierOptions = {
  audience: 'https://as.example',
  issuers: [
    { issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks', algorithms: ['ES256'], tenant: 't1' },
    { issuer: 'https://idp2.example', jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AA' }] } },
  ],
  resources: ['https://mcp.example/mcp'],
  requireResource: true,
  algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'],
  clockToleranceSec: 60,
  maxLifetimeSec: 300,
  maxTokenBytes: 16384,
  replay: 'single-use',
  replayStore: new MemoryReplayStore({ maxEntries: 10 }),
};

const redisLike: ReplayStore = {
  async consume(key: string, expiresAt: number): Promise<boolean> {
    return key.length > 0 && expiresAt > 0;
  },
};

const verifier = new IdJagVerifier({ ...options, replayStore: redisLike });

export async function handle(assertion: string, clientId: string): Promise<string> {
  try {
    const grant: VerifiedGrant = await verifier.verify(assertion, {
      clientId,
      now: () => Date.now() / 1000,
      scope: 'files:read',
      resource: 'https://mcp.example/mcp',
    });
    const tenant: string | undefined = grant.tenant;
    const scopes: string[] = grant.scopes;
    const exp: number = grant.expiresAt;
    return `${grant.subject} ${grant.issuer} ${grant.clientId} ${grant.audience} ${grant.jti} ${tenant} ${scopes.join(' ')} ${grant.resources.length} ${exp} ${String(grant.header['alg'])} ${String(grant.claims['sub'])}`;
  } catch (e) {
    if (e instanceof IdJagError) {
      const code: ErrorCode = e.code;
      const wire: string = e.oauthError ?? 'invalid_request';
      const claim: string | undefined = e.claim;
      return `${e.name} ${code} ${wire} ${claim} ${e.message}`;
    }
    throw e;
  }
}

const codes: readonly ErrorCode[] = ERROR_CODES;
const store = new MemoryReplayStore();
const fresh: boolean = store.consume('k', Date.now() / 1000 + 1);
const size: number = store.size;
export const summary = [codes.length, fresh, size];

// @ts-expect-error unknown codes are not ErrorCodes
export const bad: ErrorCode = 'ERR_NOPE';
// @ts-expect-error clientId is required
void verifier.verify('t', {});
// @ts-expect-error HS256 is not an algorithm the verifier can accept
export const badAlg: VerifierOptions['algorithms'] = ['HS256'];

// --- inspect and the client helpers (issue 4) ---
import {
  OAuthResponseError,
  discover,
  exchangeIdJag,
  inspect,
  requestIdJag,
  type AccessTokenResponse,
  type DiscoveryResult,
  type Finding,
  type FindingCode,
  type IdJagResponse,
  type InspectResult,
} from 'idjag';

const inspected: InspectResult = inspect('a.b.c', { audience: 'https://as.example', resource: 'https://mcp.example/mcp', clientId: 'c', now: () => Date.now() / 1000 });
const firstFinding: Finding | undefined = inspected.findings[0];
const findingCode: FindingCode | undefined = firstFinding?.code;
const severity: 'error' | 'warning' | 'info' | undefined = firstFinding?.severity;
export const inspectedSummary = [inspected.header?.['alg'], inspected.claims?.['sub'], findingCode, severity, firstFinding?.rule, firstFinding?.claim];
inspect('a.b.c');
// @ts-expect-error inspect takes a string token
inspect(42);
// @ts-expect-error no such finding code
export const badFinding: FindingCode = 'aud-wrong';

export async function clientFlow(idToken: string): Promise<string> {
  const found: DiscoveryResult = await discover('https://mcp.example/mcp', { fetch: globalThis.fetch, signal: AbortSignal.timeout(5000) });
  const profile: boolean = found.supportsIdJag;
  const tokenEndpoint: string | undefined = found.metadata.token_endpoint;
  const jag: IdJagResponse = await requestIdJag({
    tokenEndpoint: 'https://idp.example/token',
    audience: found.authorizationServer,
    resource: found.resource,
    scope: 'files:read',
    subjectToken: idToken,
    subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
    clientId: 'idp-client',
    clientSecret: 'secret',
    grantClientId: 'mcp-client',
  });
  const errors: Finding[] = jag.findings.filter((f) => f.severity === 'error');
  const lifetime: number | undefined = jag.expiresIn;
  try {
    const at: AccessTokenResponse = await exchangeIdJag({
      tokenEndpoint: tokenEndpoint ?? 'https://as.example/token',
      grant: jag.grant,
      clientId: 'mcp-client',
      clientSecret: 'secret',
      authMethod: 'client_secret_post',
    });
    const type: 'Bearer' | 'DPoP' = at.tokenType;
    return `${profile} ${errors.length} ${lifetime} ${type} ${at.accessToken} ${at.expiresIn} ${at.scope}`;
  } catch (e) {
    if (e instanceof OAuthResponseError) return `${e.name} ${e.error} ${e.errorDescription} ${e.status} ${e.rule}`;
    throw e;
  }
}
// @ts-expect-error unknown auth method
void exchangeIdJag({ tokenEndpoint: 'https://as.example/token', grant: 'g', clientId: 'c', authMethod: 'private_key_jwt' });
