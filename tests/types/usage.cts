// Type-checks the CommonJS declarations (pkg/dist/idjag.d.cts) as a require() consumer sees them.
import idjag = require('idjag');

const verifier = new idjag.IdJagVerifier({
  audience: 'https://as.example',
  issuers: [{ issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks' }],
  resources: ['https://mcp.example/mcp'],
});

export async function check(assertion: string): Promise<idjag.VerifiedGrant | idjag.ErrorCode> {
  try {
    return await verifier.verify(assertion, { clientId: 'c' });
  } catch (e) {
    if (e instanceof idjag.IdJagError) return e.code;
    throw e;
  }
}
export const n: number = idjag.ERROR_CODES.length;
