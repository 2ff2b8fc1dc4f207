// Cold first-verify: a fresh Node process per sample; time from before `import` of the
// library to the first verify resolved (idjag: import + new IdJagVerifier + verify;
// jose: import + importJWK + jwtVerify). Medians over alternating samples.
//   node bench-perf/cold.mjs [algs] [samples=9]
import { execFileSync } from 'node:child_process';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const [algArg, samplesArg] = process.argv.slice(2);
const ALGS = (algArg ?? 'RS256,PS256,ES256,EdDSA').split(',');
const SAMPLES = Number(samplesArg ?? 9);
const NOW = Math.floor(Date.now() / 1000);
const ISS = 'https://idp.example.com', AUD = 'https://as.example.com', RES = 'https://mcp.example.com/mcp';

const child = (lib, alg, token, jwk) => `
const t0 = performance.now();
${lib === 'idjag' ? `
const { IdJagVerifier } = await import('idjag');
const v = new IdJagVerifier({ audience: ${JSON.stringify(AUD)}, issuers: [{ issuer: ${JSON.stringify(ISS)}, jwks: { keys: [${JSON.stringify(jwk)}] } }], resources: [${JSON.stringify(RES)}], replay: 'reusable', algorithms: ['${alg}'] });
await v.verify(${JSON.stringify(token)}, { clientId: 'client-1' });
` : `
const { importJWK, jwtVerify } = await import('jose');
const key = await importJWK(${JSON.stringify(jwk)}, '${alg}');
await jwtVerify(${JSON.stringify(token)}, key, { issuer: ${JSON.stringify(ISS)}, audience: ${JSON.stringify(AUD)}, typ: 'oauth-id-jag+jwt', algorithms: ['${alg}'] });
`}
process.stdout.write(String(performance.now() - t0));
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const alg of ALGS) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg, use: 'sig' };
  const token = await new SignJWT({ client_id: 'client-1', resource: RES, scope: 'a b', jti: 'j1' })
    .setProtectedHeader({ alg, typ: 'oauth-id-jag+jwt', kid: 'k1' })
    .setIssuer(ISS).setSubject('user-1').setAudience(AUD)
    .setIssuedAt(NOW - 10).setExpirationTime(NOW + 280).sign(privateKey);
  const a = [], b = [];
  for (let i = 0; i < SAMPLES; i++) {
    for (const [lib, arr] of [['idjag', a], ['jose', b]]) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', child(lib, alg, token, jwk)], { cwd: process.cwd() });
      arr.push(Number(out.toString()));
    }
  }
  const ia = median(a), jb = median(b);
  rows.push({ alg, idjag_ms: ia.toFixed(2), jose_ms: jb.toFixed(2), ratio: (ia / jb).toFixed(2) });
}
console.table(rows);
