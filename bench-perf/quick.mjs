// Quick micro-benchmark for the performance push (issue 6): in one process, the same
// ID-JAG verified by idjag (IdJagVerifier, replay 'reusable') and by jose.jwtVerify with a
// pre-imported key, interleaved in batches; prints medians (µs/verify) and ratios.
//   node bench-perf/quick.mjs [algs=RS256,PS256,ES256,EdDSA] [rounds=40] [batch=50]
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { IdJagVerifier } from 'idjag';

const [algArg, roundsArg, batchArg] = process.argv.slice(2);
const ALGS = (algArg ?? 'RS256,PS256,ES256,EdDSA').split(',');
const ROUNDS = Number(roundsArg ?? 40);
const BATCH = Number(batchArg ?? 50);
const NOW = Math.floor(Date.now() / 1000);
const ISS = 'https://idp.example.com';
const AUD = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'client-1';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function timeBatch(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BATCH; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / BATCH;
}

const rows = [];
for (const alg of ALGS) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg, use: 'sig' };
  const token = await new SignJWT({ client_id: CLIENT, resource: RES, scope: 'a b', jti: 'jti-1' })
    .setProtectedHeader({ alg, typ: 'oauth-id-jag+jwt', kid: 'k1' })
    .setIssuer(ISS).setSubject('user-1').setAudience(AUD)
    .setIssuedAt(NOW - 10).setExpirationTime(NOW + 280)
    .sign(privateKey);
  const v = new IdJagVerifier({
    audience: AUD, issuers: [{ issuer: ISS, jwks: { keys: [jwk] }, algorithms: [alg] }],
    resources: [RES], replay: 'reusable', algorithms: [alg],
  });
  const ctx = { clientId: CLIENT };
  const idjag = async () => { await v.verify(token, ctx); };
  const jose = async () => {
    await jwtVerify(token, publicKey, { issuer: ISS, audience: AUD, typ: 'oauth-id-jag+jwt', algorithms: [alg] });
  };
  // sanity + warm-up
  await idjag(); await jose();
  for (let i = 0; i < 200; i++) { await idjag(); await jose(); }
  const a = [], b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await timeBatch(idjag));
    b.push(await timeBatch(jose));
  }
  const wa = median(a), jo = median(b);
  rows.push({ alg, idjag_us: wa.toFixed(1), jose_us: jo.toFixed(1), ratio: (wa / jo).toFixed(2) });
}
console.table(rows);
const mem = process.memoryUsage();
console.log(`rss ${(mem.rss / 1048576).toFixed(1)} MB, arrayBuffers ${(mem.arrayBuffers / 1048576).toFixed(1)} MB`);
