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
  async consume(key: string, expiresAtMs: number): Promise<boolean> {
    return key.length > 0 && expiresAtMs > 0;
  },
};

const verifier = new IdJagVerifier({ ...options, replayStore: redisLike });

export async function handle(assertion: string, clientId: string): Promise<string> {
  try {
    const grant: VerifiedGrant = await verifier.verify(assertion, {
      clientId,
      now: new Date(),
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
const fresh: boolean = store.consume('k', Date.now() + 1000);
const size: number = store.size;
export const summary = [codes.length, fresh, size];

// @ts-expect-error unknown codes are not ErrorCodes
export const bad: ErrorCode = 'ERR_NOPE';
// @ts-expect-error clientId is required
void verifier.verify('t', {});
// @ts-expect-error HS256 is not an algorithm the verifier can accept
export const badAlg: VerifierOptions['algorithms'] = ['HS256'];
