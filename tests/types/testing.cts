// Type-checks the CommonJS declarations of `idjag/testing` (pkg/dist/testing.d.cts).
import testing = require('idjag/testing');
import idjag = require('idjag');

const idp = new testing.TestIssuer({ issuer: 'https://idp.test' });
const v = new idjag.IdJagVerifier({ audience: 'https://as.test', issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: ['https://mcp.test/mcp'] });
export const token: string = idp.mint({ audience: 'https://as.test', clientId: 'c1' });
export const codes: Array<idjag.ErrorCode | null> = testing.TestIssuer.variants.map((x) => x.code);
export const f: idjag.Finding[] = idjag.inspect(token).findings;
export { v };
