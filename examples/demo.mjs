// make demo — an MCP authorization server's view of an ID-JAG.
//
// 1. A test identity provider key is generated now (WebCrypto, through `jose`).
// 2. The "IdP" mints an ID-JAG for user alice, client mcp-client-1, this authorization server.
// 3. IdJagVerifier (the Rust core, compiled to WebAssembly) verifies it.
// 4. Three broken presentations are refused: expired, wrong audience, replayed.
//
//   node examples/demo.mjs      (after `make build`)

import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { IdJagError, IdJagVerifier } from 'idjag';

const IDP = 'https://idp.example.com';
const AS = 'https://auth.mcp.example.com';
const MCP = 'https://mcp.example.com/mcp';
const CLIENT = 'mcp-client-1';

// The identity provider's signing key (ES256). Only the public half is given to the verifier.
const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'demo-es256', alg: 'ES256', use: 'sig' };

/** What the IdP returns from the RFC 8693 token exchange (issued_token_type ...:id-jag). */
async function mintIdJag({ aud = AS, iat, exp } = {}) {
  const nowSec = Math.floor(Date.now() / 1000);
  return new SignJWT({
    client_id: CLIENT,
    resource: MCP,
    scope: 'files:read files:write',
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: jwk.kid })
    .setIssuer(IDP)
    .setSubject('alice@example.com')
    .setAudience(aud)
    .setIssuedAt(iat ?? nowSec)
    .setExpirationTime(exp ?? nowSec + 300)
    .sign(privateKey);
}

// The MCP authorization server's policy: which IdP it trusts, which MCP servers it serves.
const verifier = new IdJagVerifier({
  audience: AS,
  issuers: [{ issuer: IDP, jwks: { keys: [jwk] } }],
  resources: [MCP],
});

const line = (s = '') => console.log(s);

// --- the good grant: the jwt-bearer token request (grant_type=...:jwt-bearer, assertion=<ID-JAG>)
const grant = await mintIdJag();
line('ID-JAG minted by the test IdP:');
line(`  ${grant.slice(0, 72)}…`);
line();
const verified = await verifier.verify(grant, { clientId: CLIENT, scope: 'files:read' });
line('verified grant (requested scope "files:read"):');
const { header, claims, ...summary } = verified;
for (const [k, v] of Object.entries(summary)) line(`  ${k.padEnd(10)} ${JSON.stringify(v)}`);
line(`  header     ${JSON.stringify(header)}`);
line(`  claims     ${Object.keys(claims).join(', ')}`);
line();

// --- three presentations the server must refuse
async function refused(label, token, ctx) {
  try {
    await verifier.verify(token, ctx);
    line(`  ✗ ${label}: ACCEPTED — this is a bug`);
    return false;
  } catch (e) {
    if (!(e instanceof IdJagError)) throw e;
    line(`  ✓ ${label.padEnd(16)} ${e.code.padEnd(14)} error=${e.oauthError}  (${e.message})`);
    return true;
  }
}

const nowSec = Math.floor(Date.now() / 1000);
line('refused, with the code to switch on and the OAuth error to send:');
const results = [
  await refused('expired', await mintIdJag({ iat: nowSec - 3600, exp: nowSec - 3300 }), { clientId: CLIENT }),
  await refused('wrong audience', await mintIdJag({ aud: 'https://other-as.example.com' }), { clientId: CLIENT }),
  await refused('replayed', grant, { clientId: CLIENT }), // the good grant, presented a second time
];
if (results.includes(false)) process.exit(1);
