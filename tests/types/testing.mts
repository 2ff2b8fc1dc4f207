// Type-checks `idjag/testing` (pkg/testing.d.ts) as an ESM consumer sees it.
import { IdJagVerifier, type ErrorCode } from 'idjag';
import { TestIssuer, type MintParams, type TestVariant, type TestVariantName } from 'idjag/testing';

const idp = new TestIssuer({ issuer: 'https://idp.test', alg: 'EdDSA', kid: 'k1' });
const again = new TestIssuer({ issuer: idp.issuer, privateJwk: idp.privateJwk() });
const verifier = new IdJagVerifier({ audience: 'https://as.test', issuers: [{ issuer: again.issuer, jwks: again.jwks() }], resources: ['https://mcp.test/mcp'] });
const params: MintParams = { audience: 'https://as.test', clientId: 'c1', resource: 'https://mcp.test/mcp', now: () => 1767225600, lifetimeSec: 60, claims: { email: 'a@b.c' } };
export const valid: string = idp.mint(params);
const variants: readonly TestVariant[] = TestIssuer.variants;
const name: TestVariantName | undefined = variants[0]?.name;
const code: ErrorCode | null | undefined = variants[0]?.code;
export const broken: string = idp.mintVariant('two-element-aud', params);
export const summary = [name, code, verifier];
// @ts-expect-error not a variant
idp.mintVariant('bad-aud', params);
// @ts-expect-error HS256 is not a signing algorithm of the test issuer
new TestIssuer({ issuer: 'x', alg: 'HS256' });
// @ts-expect-error audience is required
idp.mint({ clientId: 'c1' });
