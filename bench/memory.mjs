// Memory after many verifications: RSS and the verifier's wasm linear memory, sampled every
// --every verifications up to --n (1 000 000), with the cheapest algorithm (probed here).
//
//   node --expose-gc bench/memory.mjs --out memory.json [--n 1000000] [--every 100000] [--max-seconds 360]
//        [--churn-n 200000] [--churn-every 20000] [--churn-max-seconds 120]
//
// Then (issue 14) the AccessTokenVerifier cache churned: --churn-n access-token verifications
// over 4× the cache's bound in distinct tokens plus one hot token, judged flat the same way
// (against the warm-up's peak); `flat` covers both runs.
//
// The wasm memory is the `memory` export of the module instance `idjag` itself runs on: the
// generated glue (pkg/wasm/idjag.js, resolved next to the package entry) returns the live
// instance's exports from initSync() once initialised. Bench-only access; no pkg/ API.
// "Flat": after the warm-up (the first two samples) the wasm memory does not grow at all, the JS
// heap in use (after gc) grows by at most HEAP_SLACK, and the memory outside the V8 heap
// (RSS − heapTotal) grows by at most RSS_SLACK — a leak of 10 bytes per verification would add
// ~8 MB here. Raw RSS is reported too but not judged: V8 grows its young generation (committed,
// so in RSS) in 4–8 MB steps under a high allocation rate, which is not a leak.
// --max-seconds keeps `make bench` inside its time budget on a slow or busy machine: the run
// stops at the first sample past it and says so (`capped`), the verdict covering what ran.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AccessTokenVerifier, IdJagVerifier, ready } from 'idjag';
import { AccessTokenIssuer } from 'idjag/server';
import { ALGS, mintGrant, verifierOptions, verifyCtx } from './scenario.mjs';
import { log, round3 } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    n: { type: 'string', default: '1000000' },
    every: { type: 'string', default: '100000' },
    alg: { type: 'string' },
    pool: { type: 'string', default: '1000' },
    'max-seconds': { type: 'string', default: '360' },
    'churn-n': { type: 'string', default: '200000' },
    'churn-every': { type: 'string', default: '20000' },
    'churn-max-seconds': { type: 'string', default: '120' },
  },
});
const N = Number(args.n);
const EVERY = Number(args.every);
const MAX_MS = Number(args['max-seconds']) * 1000;
const WARMUP_SAMPLES = 2;
const RSS_SLACK = 8 * 1024 * 1024;
const HEAP_SLACK = 1024 * 1024;
const MB = 1024 * 1024;

// The glue of the instance idjag uses: in Node the full build (pkg/src/core-node.js), created on
// first use, so `ready()` first.
await ready();
const glue = await import(new URL('../wasm-full/idjag.js', import.meta.resolve('idjag')).href);
const wasmMemory = glue.initSync().memory;
if (!(wasmMemory instanceof WebAssembly.Memory)) throw new Error('memory: cannot reach the wasm memory');

const verifier = new IdJagVerifier(verifierOptions({ replay: 'reusable' }));
const ctx = verifyCtx();

async function rate(tokens, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await verifier.verify(tokens[i % tokens.length], ctx);
  return (performance.now() - t0) / n;
}

// The cheapest algorithm: the lowest µs/verify, as the minimum over a few interleaved short
// rounds (robust to the machine being busy, which it is while the other phases run).
let alg = args.alg;
const probes = {};
if (!alg) {
  const tokens = {};
  for (const a of ALGS) {
    tokens[a] = [await mintGrant(a), await mintGrant(a)];
    await rate(tokens[a], 10);
  }
  for (let round = 0; round < 5; round++) {
    for (const a of ALGS) probes[a] = Math.min(probes[a] ?? Infinity, round3((await rate(tokens[a], 20)) * 1000));
  }
  alg = Object.entries(probes).sort((x, y) => x[1] - y[1])[0][0];
}
const pool = [];
for (let i = 0; i < Number(args.pool); i++) pool.push(await mintGrant(alg));
log(`memory: ${N} verifications with ${alg} (probe µs/verify: ${JSON.stringify(probes)})`);

function sample(done) {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return {
    verifications: done,
    rssMB: round3(m.rss / MB),
    heapUsedMB: round3(m.heapUsed / MB),
    heapTotalMB: round3(m.heapTotal / MB),
    outsideHeapMB: round3((m.rss - m.heapTotal) / MB),
    externalMB: round3(m.external / MB),
    wasmBytes: wasmMemory.buffer.byteLength,
    rssBytes: m.rss,
    outsideBytes: m.rss - m.heapTotal,
    heapUsedBytes: m.heapUsed,
  };
}

const samples = [sample(0)];
const t0 = performance.now();
let done = 0;
let capped = false;
while (done < N) {
  if (performance.now() - t0 > MAX_MS) {
    capped = true;
    log(`memory: stopped at ${done} verifications (--max-seconds ${MAX_MS / 1000})`);
    break;
  }
  const n = Math.min(EVERY, N - done);
  for (let i = 0; i < n; i++) {
    const g = await verifier.verify(pool[(done + i) % pool.length], ctx);
    if (g.scopes.length !== 1) throw new Error('memory: unexpected grant');
  }
  done += n;
  samples.push(sample(done));
  const s = samples.at(-1);
  log(`  ${done}: rss ${s.rssMB} MB (outside the V8 heap ${s.outsideHeapMB} MB), heap used ${s.heapUsedMB} of ${s.heapTotalMB} MB, wasm ${s.wasmBytes / MB} MB`);
}
const seconds = (performance.now() - t0) / 1000;

// Cache churn (issue 14): an AccessTokenVerifier with its default cache (1000 entries) sees
// 4 × that many distinct access tokens in a cycle (every one a miss that evicts the least
// recently used entry) interleaved with one hot token (a hit each time): the cache must stay
// bounded and memory flat. Judged like the grant run, on its own samples.
const CHURN_N = Number(args['churn-n']);
const CHURN_EVERY = Number(args['churn-every']);
const churn = await (async () => {
  if (CHURN_N <= 0) return null;
  const RES = 'https://mcp.example.com/mcp';
  const issuer = new AccessTokenIssuer({ issuer: 'https://as.example.com', alg: 'EdDSA' });
  const atVerifier = new AccessTokenVerifier({ issuer: 'https://as.example.com', audience: RES, jwks: issuer.jwks() });
  const maxEntries = atVerifier.cacheStats().maxEntries;
  const grant = { subject: 'user-1234', clientId: 'c', resources: [RES], scopes: ['files:read'] };
  const tokens = Array.from({ length: 4 * maxEntries }, () => issuer.mint(grant).accessToken);
  const hot = issuer.mint(grant).accessToken;
  const out = [sample(0)];
  const start = performance.now();
  let n = 0;
  let stopped = false;
  while (n < CHURN_N) {
    if (performance.now() - start > Number(args['churn-max-seconds']) * 1000) {
      stopped = true;
      break;
    }
    for (let i = 0; i < CHURN_EVERY; i += 2) {
      await atVerifier.verify(tokens[((n + i) / 2) % tokens.length]);
      await atVerifier.verify(hot);
    }
    n += CHURN_EVERY;
    out.push({ ...sample(n), cacheEntries: atVerifier.cacheStats().entries });
    const s = out.at(-1);
    log(`  churn ${n}: rss ${s.rssMB} MB (outside the V8 heap ${s.outsideHeapMB} MB), heap used ${s.heapUsedMB} MB, wasm ${s.wasmBytes / MB} MB, cache ${s.cacheEntries} entries`);
  }
  const stats = atVerifier.cacheStats();
  // The base is the warm-up's peak: RSS outside the V8 heap swings by ±8 MB between samples
  // (young-generation and malloc arena sizes) under this allocation rate; a leak climbs past it.
  const warm = out.slice(0, WARMUP_SAMPLES + 1);
  const peak = (k) => Math.max(...warm.map((x) => x[k]));
  const b = { wasmBytes: peak('wasmBytes'), heapUsedBytes: peak('heapUsedBytes'), outsideBytes: peak('outsideBytes') };
  const l = out.at(-1);
  const growth = {
    wasmGrowthBytes: l.wasmBytes - b.wasmBytes,
    heapUsedGrowthMB: round3((l.heapUsedBytes - b.heapUsedBytes) / MB),
    outsideHeapGrowthMB: round3((l.outsideBytes - b.outsideBytes) / MB),
  };
  const enoughChurn = out.length > WARMUP_SAMPLES + 1;
  const flatChurn = enoughChurn && growth.wasmGrowthBytes === 0 && l.heapUsedBytes - b.heapUsedBytes <= HEAP_SLACK
    && l.outsideBytes - b.outsideBytes <= RSS_SLACK && stats.entries <= maxEntries;
  return {
    verifications: n, requested: CHURN_N, capped: stopped, distinctTokens: tokens.length + 1,
    hits: stats.hits, misses: stats.misses, evictions: stats.evictions, entries: stats.entries, maxEntries,
    seconds: round3((performance.now() - start) / 1000),
    afterWarmup: growth, flat: flatChurn,
    verdict: !enoughChurn ? 'too few samples' : flatChurn ? 'flat' : 'GROWS (a bug to fix)',
    samples: out.map(({ rssBytes, outsideBytes, heapUsedBytes, ...x }) => x),
  };
})();
if (churn) log(`memory churn: ${churn.verdict}: ${churn.verifications} access-token verifications, ${churn.misses} misses, ${churn.evictions} evictions, ${churn.entries} entries; heap ${churn.afterWarmup.heapUsedGrowthMB} MB, outside ${churn.afterWarmup.outsideHeapGrowthMB} MB, wasm +${churn.afterWarmup.wasmGrowthBytes}`);

const base = samples[Math.min(WARMUP_SAMPLES, samples.length - 1)];
const last = samples.at(-1);
const rssGrowth = last.rssBytes - base.rssBytes;
const outsideGrowth = last.outsideBytes - base.outsideBytes;
const heapGrowth = last.heapUsedBytes - base.heapUsedBytes;
const wasmGrowth = last.wasmBytes - base.wasmBytes;
const enough = samples.length > WARMUP_SAMPLES + 1;
const flat = enough && wasmGrowth === 0 && heapGrowth <= HEAP_SLACK && outsideGrowth <= RSS_SLACK;
const result = {
  method: `${done}${capped ? ` of ${N} (time cap ${MAX_MS / 1000} s)` : ''} verifications (${alg}, cheapest probed; replay 'reusable'; pool of ${pool.length} grants) in one process `
    + `with --expose-gc; gc() then process.memoryUsage() and the wasm memory size every ${EVERY}; `
    + `flat = after the first ${WARMUP_SAMPLES} samples the wasm memory does not grow, the JS heap in use grows by ≤ ${HEAP_SLACK / MB} MB `
    + `and RSS outside the V8 heap (rss − heapTotal) by ≤ ${RSS_SLACK / MB} MB (raw RSS also moves with V8's young-generation size)`,
  algorithm: alg,
  probeUsPerVerify: probes,
  verifications: done,
  requested: N,
  capped,
  seconds: round3(seconds),
  usPerVerify: round3((seconds * 1e6) / N),
  samples: samples.map(({ rssBytes, outsideBytes, heapUsedBytes, ...s }) => s),
  afterWarmup: {
    wasmGrowthBytes: wasmGrowth,
    heapUsedGrowthMB: round3(heapGrowth / MB),
    outsideHeapGrowthMB: round3(outsideGrowth / MB),
    rssGrowthMB: round3(rssGrowth / MB),
  },
  flat: flat && (churn === null || churn.flat),
  verdict: !enough ? 'too few samples' : !flat ? 'GROWS (a bug to fix)' : churn && !churn.flat ? `cache churn: ${churn.verdict}` : 'flat',
  grantsFlat: flat,
  churn,
};
log(`memory: ${result.verdict} after warm-up: wasm +${wasmGrowth} bytes, heap used ${result.afterWarmup.heapUsedGrowthMB} MB, outside the V8 heap ${result.afterWarmup.outsideHeapGrowthMB} MB, rss ${result.afterWarmup.rssGrowthMB} MB; ${result.seconds} s`);
const text = JSON.stringify(result, null, 2);
if (args.out) writeFileSync(args.out, text);
else process.stdout.write(`${text}\n`);
