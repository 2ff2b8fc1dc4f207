// The MCP steady state (issue 14): one access token, many tool calls. Re-verifying the same
// access token with AccessTokenVerifier (its cache of verified tokens, on by default) vs jose's
// `jwtVerify` of the same token, interleaved in one process, per algorithm the issuer mints.
//
//   node bench/reverify.mjs --out reverify.json [--runs 31] [--batch-ms 20]
//
// Also reported, not targets: the cost of a miss (the same verifier with `cache: false`) and the
// SHA-256 of the token each way a runtime can compute it (node:crypto one-shot hash, createHash,
// the wasm core's tokenDigest, WebCrypto), which is why the cache hashes with node:crypto where
// there is one and with the core elsewhere; and the hit as a runtime without node:crypto sees it.
import { createHash, hash as oneShotHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { AccessTokenVerifier, ready } from 'idjag';
import { AccessTokenIssuer } from 'idjag/server';
import { log, median, round3 } from './stats.mjs';

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, runs: { type: 'string', default: '31' }, 'batch-ms': { type: 'string', default: '20' } },
});
const RUNS = Number(args.runs);
const BATCH_MS = Number(args['batch-ms']);
const AS = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const ALGS = ['ES256', 'EdDSA'];
const grant = {
  subject: 'user-1234', clientId: 'mcp-client-bench', resources: [RES], scopes: ['files:read', 'files:write'],
  claims: { sub_id: { format: 'iss_sub', iss: 'https://idp.example.com', sub: 'user-1234' } },
};

async function batch(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) * 1000) / n;
}
async function sizeFor(fn) {
  const until = performance.now() + 200;
  while (performance.now() < until) await batch(fn, 20);
  const us = await batch(fn, 50);
  return Math.max(20, Math.round((BATCH_MS * 1000) / us));
}

const perAlg = {};
let tokenBytes;
for (const alg of ALGS) {
  const issuer = new AccessTokenIssuer({ issuer: AS, alg });
  const token = issuer.mint(grant).accessToken;
  tokenBytes = token.length;
  const jwks = issuer.jwks();
  const cached = new AccessTokenVerifier({ issuer: AS, audience: RES, jwks });
  const uncached = new AccessTokenVerifier({ issuer: AS, audience: RES, jwks, cache: false });
  // What a runtime without node:crypto (browsers, workerd) gets: the verifier picks its hasher
  // when constructed, so hide process.getBuiltinModule for that moment.
  const gbm = process.getBuiltinModule;
  process.getBuiltinModule = undefined;
  const noNode = new AccessTokenVerifier({ issuer: AS, audience: RES, jwks });
  process.getBuiltinModule = gbm;
  const noNodeHash = noNode.cacheStats().hash;
  const keySet = createLocalJWKSet(jwks);
  const sides = {
    idjagHit: async () => {
      const info = await cached.verify(token, { requiredScopes: ['files:read'] });
      if (info.subject !== 'user-1234') throw new Error('reverify: unexpected token info');
    },
    jose: async () => {
      const { payload } = await jwtVerify(token, keySet, { issuer: AS, audience: RES, typ: 'at+jwt', algorithms: [alg] });
      if (payload.sub !== 'user-1234') throw new Error('reverify: unexpected payload');
    },
    idjagMiss: () => uncached.verify(token, { requiredScopes: ['files:read'] }),
    idjagHitNoNode: () => noNode.verify(token, { requiredScopes: ['files:read'] }),
  };
  const sizes = {};
  for (const [name, fn] of Object.entries(sides)) sizes[name] = await sizeFor(fn);
  const samples = { idjagHit: [], jose: [], idjagMiss: [], idjagHitNoNode: [] };
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? ['idjagHit', 'jose', 'idjagMiss', 'idjagHitNoNode'] : ['idjagHitNoNode', 'idjagMiss', 'jose', 'idjagHit'];
    for (const side of order) samples[side].push(await batch(sides[side], sizes[side]));
  }
  const hit = median(samples.idjagHit);
  const jose = median(samples.jose);
  const stats = cached.cacheStats();
  perAlg[alg] = {
    hitUs: round3(hit),
    joseUs: round3(jose),
    missUs: round3(median(samples.idjagMiss)),
    ratio: round3(hit / jose),
    pairedRatio: round3(median(samples.idjagHit.map((x, i) => x / samples.jose[i]))),
    missRatio: round3(median(samples.idjagMiss) / jose),
    noNodeHitUs: round3(median(samples.idjagHitNoNode)),
    noNodeRatio: round3(median(samples.idjagHitNoNode) / jose),
    noNodeHash,
    cache: { hits: stats.hits, misses: stats.misses, hash: stats.hash },
  };
  log(`  reverify ${alg}: hit ${perAlg[alg].hitUs} µs, jose ${perAlg[alg].joseUs} µs, ratio ${perAlg[alg].ratio}; miss ${perAlg[alg].missUs} µs; hit without node:crypto (${noNodeHash}) ${perAlg[alg].noNodeHitUs} µs, ratio ${perAlg[alg].noNodeRatio}`);
}

// Where the SHA-256 of the token can be computed, µs per token of this size.
const token = 'x'.repeat(tokenBytes);
const enc = new TextEncoder();
// The glue of the instance idjag uses: in Node the full build (pkg/src/core-node.js), created on
// first use, so `ready()` first.
await ready();
const glue = await import(new URL('../wasm-full/idjag.js', import.meta.resolve('idjag')).href);
const hashers = {
  ...(typeof glue.tokenDigest === 'function' ? { 'wasm core tokenDigest': () => glue.tokenDigest(token) } : {}),
  'node:crypto hash()': () => oneShotHash('sha256', token, 'base64url'),
  'node:crypto createHash()': () => createHash('sha256').update(token).digest('base64url'),
  'WebCrypto subtle.digest (async)': () => crypto.subtle.digest('SHA-256', enc.encode(token)),
};
const hashUs = {};
for (const [name, fn] of Object.entries(hashers)) {
  const n = name.startsWith('WebCrypto') ? 2000 : 20000;
  await batch(fn, n / 10);
  hashUs[name] = round3(Math.min(await batch(fn, n), await batch(fn, n)));
}
log(`  reverify: sha-256 of a ${tokenBytes}-byte token, µs: ${JSON.stringify(hashUs)}`);

const result = {
  method: `one access token (AccessTokenIssuer, ${tokenBytes} bytes) verified again and again: AccessTokenVerifier with its default cache `
    + `(a hit: SHA-256 of the token, lookup, exp / key-generation / scope checks) vs jose jwtVerify (createLocalJWKSet, issuer, audience, typ, algorithms) `
    + `of the same token; median µs of ${RUNS} interleaved ~${BATCH_MS} ms batches; miss = the same verifier with cache: false`,
  algorithms: perAlg,
  hashUs,
  tokenBytes,
};
const text = JSON.stringify(result, null, 2);
if (args.out) writeFileSync(args.out, text);
else process.stdout.write(`${text}\n`);
