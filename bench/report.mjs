// Turns the harness results into bench/results.json, bench/RESULTS.md and bench/chart.svg, and
// says where each target of issue 14 (which tightened issue 6's) stands (met / not yet, with the ratio).
//
//   node bench/report.mjs      re-renders RESULTS.md and chart.svg from bench/results.json
//
// Benchmarks are not tests: nothing here fails on a missed target.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './scenario.mjs';

/** The targets of issue 14, as ratios measured in one run. KB = 1024 bytes. */
export const TARGETS = {
  verify: { RS256: 0.8, PS256: 0.8, ES256: 0.8, EdDSA: 0.8 },
  reverify: 0.05, // re-verify of the same access token (cache hit) / jose jwtVerify, worst algorithm
  endpointThroughput: 1.5, // idjag requests/s ÷ jose's, at least
  endpointP99: 1.0, // idjag p99 ÷ jose's, at most
  cold: 0.6,
  serverImport: 1.3, // import('idjag/server') ÷ import('idjag'), at most
  wasmGzipBytes: 200 * 1024,
};

const fmt = (x, digits = 3) => {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (typeof x !== 'number') return String(x);
  return Number(x.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 3 });
};
const ratio = (x) => (Number.isFinite(x) ? `${fmt(x)}×` : '–');
const kb = (bytes) => `${fmt(bytes / 1024, 4)} KB`;

/** Where each target stands: [{ name, target, value, met, detail }]. */
export function evaluateTargets(r) {
  const out = [];
  for (const [alg, limit] of Object.entries(TARGETS.verify)) {
    const v = r.verify?.algorithms?.[alg]?.ratio;
    out.push({ name: `${alg} verify, idjag/jose`, target: `≤ ${limit}×`, limit, value: v, met: Number.isFinite(v) ? v <= limit : null, kind: 'ratio' });
  }
  const rv = Object.entries(r.reverify?.algorithms ?? {}).sort((a, b) => b[1].ratio - a[1].ratio)[0];
  out.push({
    name: `re-verify same access token, cache hit/jose jwtVerify (worst: ${rv?.[0] ?? '–'})`,
    target: `≤ ${TARGETS.reverify}×`, limit: TARGETS.reverify, value: rv?.[1].ratio,
    met: rv ? rv[1].ratio <= TARGETS.reverify : null, kind: 'ratio',
  });
  const ep = r.endpoint;
  out.push({
    name: 'token endpoint requests/s, idjag/jose', target: `≥ ${TARGETS.endpointThroughput}×`, limit: TARGETS.endpointThroughput,
    value: ep?.throughputRatio, met: Number.isFinite(ep?.throughputRatio) ? ep.throughputRatio >= TARGETS.endpointThroughput : null, kind: 'ratio',
  });
  out.push({
    name: 'token endpoint p99, idjag/jose', target: `≤ ${TARGETS.endpointP99}×`, limit: TARGETS.endpointP99,
    value: ep?.p99Ratio, met: Number.isFinite(ep?.p99Ratio) ? ep.p99Ratio <= TARGETS.endpointP99 : null, kind: 'ratio',
  });
  const cold = r.cold?.algorithms ?? {};
  const worst = Object.entries(cold).sort((a, b) => b[1].ratio - a[1].ratio)[0];
  out.push({
    name: `cold first-verify, idjag/jose (worst: ${worst?.[0] ?? '–'})`,
    target: `≤ ${TARGETS.cold}×`, limit: TARGETS.cold, value: worst?.[1].ratio,
    met: worst ? worst[1].ratio <= TARGETS.cold : null, kind: 'ratio',
  });
  const si = r.cold?.serverImport;
  out.push({
    name: "cold import('idjag/server') / import('idjag')", target: `≤ ${TARGETS.serverImport}×`, limit: TARGETS.serverImport,
    value: si?.ratio, met: Number.isFinite(si?.ratio) ? si.ratio <= TARGETS.serverImport : null, kind: 'ratio',
  });
  const gz = r.wasmSize?.verifier?.gzipBytes;
  out.push({
    name: 'wasm size, gzip -9', target: `≤ ${kb(TARGETS.wasmGzipBytes)}`, limit: 1,
    value: gz !== undefined ? gz / TARGETS.wasmGzipBytes : undefined, display: gz !== undefined ? kb(gz) : '–',
    met: gz !== undefined ? gz <= TARGETS.wasmGzipBytes : null, kind: 'budget',
  });
  const m = r.memory;
  const churnN = m?.churn?.verifications ?? 0;
  out.push({
    name: `memory after ${fmt((m?.verifications ?? 1e6) + churnN)} verifications (cache churn: ${fmt(churnN)})`, target: 'flat',
    value: undefined, display: m ? `${m.verdict}${m.capped ? ` (time cap hit: ${fmt(m.verifications)} of ${fmt(m.requested)})` : ''}` : '–',
    met: m ? m.flat === true : null, kind: 'flag',
  });
  const sc = r.scale;
  out.push({
    name: 'token endpoint on one Redis, 1 → 2 processes: replay exactly once', target: 'one 200 per grant',
    value: undefined,
    display: sc ? `${sc.replayExactlyOnce ? 'exactly once' : 'VIOLATED'}; ${fmt(sc.processes[1].requestsPerSec)} → ${fmt(sc.processes[2].requestsPerSec)} req/s (${fmt(sc.scaling)}×)` : '–',
    met: sc ? sc.replayExactlyOnce === true : null, kind: 'flag',
  });
  return out;
}

const status = (t) => (t.met === null ? 'not measured' : t.met ? 'met' : 'not yet');

export function markdown(r) {
  const L = [];
  const m = r.machine;
  L.push('# idjag benchmark results', '');
  L.push(`${m.date} · node ${m.node} · ${m.cpu} × ${m.cores} · ${m.os} · load average at start ${m.loadavg.join(' / ')}${r.quick ? ' · **quick mode (fewer runs)**' : ''}`, '');
  L.push('Numbers are noisy: the machine is shared (other jobs use the CPU while this runs). Compare the ratios of one run, not absolute times across runs.', '');

  L.push('## Targets', '', '| target | wanted | this run | status |', '|---|---|---|---|');
  for (const t of r.targets) L.push(`| ${t.name} | ${t.target} | ${t.display ?? ratio(t.value)} | ${status(t)} |`);
  L.push('');

  const v = r.verify?.algorithms;
  L.push('## Verify: the full ID-JAG pipeline, µs per verification', '');
  if (v) {
    L.push('| algorithm | idjag (wasm, Node) | jose | idjag/jose | paired ratio | best-batch ratio | target | native Rust |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [alg, x] of Object.entries(v)) {
      const nat = r.native?.[alg]?.usPerVerify;
      L.push(`| ${alg} | ${fmt(x.idjagUs)} | ${fmt(x.joseUs)} | ${ratio(x.ratio)} | ${ratio(x.pairedRatio)} | ${ratio(x.bestRatio)} | ≤ ${TARGETS.verify[alg] ?? '–'}× | ${fmt(nat)} |`);
    }
    L.push('', `idjag/jose is the ratio of the medians (the target's measure); paired ratio: median of the per-run ratios; best-batch ratio: of the fastest batches, the least disturbed by other load. Method: ${r.verify.method}. Native: ${r.nativeMethod ?? '–'}.`);
    const eq = r.verify.equivalence;
    L.push('', `Equivalence check: ${eq.cases - eq.disagreements.length}/${eq.cases} grants (valid, and one defect per check) get the same verdict from both sides.`);
    for (const d of eq.disagreements) L.push(`- DISAGREE: ${d}`);
  } else L.push(`Not measured: ${r.errors?.verify ?? 'no result'}`);
  if (!r.native && r.errors?.native) L.push('', `Native: not measured: ${r.errors.native}`);
  L.push('');

  L.push('## Re-verify: the same access token again (AccessTokenVerifier cache hit), µs', '');
  if (r.reverify) {
    L.push('| algorithm | idjag hit | jose jwtVerify | hit/jose | paired | hit without node:crypto | its ratio | idjag miss (cache off) | miss/jose | target |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [alg, x] of Object.entries(r.reverify.algorithms)) {
      L.push(`| ${alg} | ${fmt(x.hitUs)} | ${fmt(x.joseUs)} | ${ratio(x.ratio)} | ${ratio(x.pairedRatio)} | ${fmt(x.noNodeHitUs)} (${x.noNodeHash}) | ${ratio(x.noNodeRatio)} | ${fmt(x.missUs)} | ${ratio(x.missRatio)} | ≤ ${TARGETS.reverify}× |`);
    }
    L.push('', `SHA-256 of the ${r.reverify.tokenBytes}-byte token (the cache key), µs: ${Object.entries(r.reverify.hashUs).map(([k, v]) => `${k} ${fmt(v)}`).join(' · ')}. The cache uses node:crypto's hash() where the runtime has it (Node, Deno, Bun), else the wasm core's SHA-256 (browsers, workerd), else WebCrypto. "Hit without node:crypto": the same verifier built with process.getBuiltinModule hidden, as those runtimes see it.`);
    L.push('', `Method: ${r.reverify.method}.`);
  } else L.push(`Not measured: ${r.errors?.reverify ?? 'no result'}`);
  L.push('');

  L.push('## Cold start: import + init + first verified grant, fresh process, ms', '');
  if (r.cold) {
    L.push('| algorithm | idjag | jose | idjag/jose | idjag import / init / first verify | jose import / init / first verify | process wall idjag / jose |', '|---|---:|---:|---:|---|---|---|');
    for (const [alg, x] of Object.entries(r.cold.algorithms)) {
      const parts = (s) => `${fmt(s.importMs)} / ${fmt(s.initMs)} / ${fmt(s.firstVerifyMs)}`;
      L.push(`| ${alg} | ${fmt(x.idjag.totalMs)} | ${fmt(x.jose.totalMs)} | ${ratio(x.ratio)} | ${parts(x.idjag)} | ${parts(x.jose)} | ${fmt(x.idjag.wallMs)} / ${fmt(x.jose.wallMs)} |`);
    }
    const si = r.cold.serverImport;
    if (si) L.push('', `import('idjag/server') ${fmt(si.serverMs)} ms vs import('idjag') ${fmt(si.idjagMs)} ms: ${ratio(si.ratio)} (median of ${si.n} fresh processes each, alternating; target ≤ ${TARGETS.serverImport}×).`);
    L.push('', `Method: ${r.cold.method}.`);
  } else L.push(`Not measured: ${r.errors?.cold ?? 'no result'}`);
  L.push('');

  L.push('## wasm size', '');
  if (r.wasmSize) {
    L.push('| module | raw | gzip -9 |', '|---|---:|---:|');
    for (const [name, s] of Object.entries(r.wasmSize)) L.push(`| ${s.path} (${name}) | ${s.rawBytes.toLocaleString('en-US')} B (${kb(s.rawBytes)}) | ${s.gzipBytes.toLocaleString('en-US')} B (${kb(s.gzipBytes)}) |`);
    L.push('', 'gzip: node:zlib at level 9 (GNU `gzip -9`, which `make build` prints, comes out about 1% smaller). KB = 1024 bytes; the verifier build is the one `idjag` loads, the full build (signing) is for `idjag/testing` and `idjag/server`.');
  }
  L.push('');

  L.push('## Token endpoint under load (loopback HTTP, grant in, access token out)', '');
  if (r.endpoint) {
    L.push('| endpoint | requests/s | p50 ms | p99 ms | requests | errors |', '|---|---:|---:|---:|---:|---:|');
    for (const [side, s] of Object.entries(r.endpoint.sides)) {
      const name = side === 'idjag' ? 'idjag `createTokenEndpoint`' : 'jose (bench/endpoint-jose.mjs)';
      if (s.pending) L.push(`| ${name} | pending | | | | |`);
      else L.push(`| ${name} | ${fmt(s.requestsPerSec)} | ${fmt(s.p50Ms)} | ${fmt(s.p99Ms)} | ${s.requests} | ${s.errors} |`);
    }
    if (r.endpoint.throughputRatio) L.push('', `Throughput idjag/jose: ${ratio(r.endpoint.throughputRatio)} (target ≥ ${TARGETS.endpointThroughput}×); p99 idjag/jose: ${ratio(r.endpoint.p99Ratio)} (target ≤ ${TARGETS.endpointP99}×).`);
    const pend = Object.entries(r.endpoint.sides).filter(([, s]) => s.pending);
    for (const [side, s] of pend) L.push('', `${side}: pending — ${s.pending}.`);
    L.push('', `Method: ${r.endpoint.method}.`);
  } else L.push(`Not measured: ${r.errors?.endpoint ?? 'no result'}`);
  L.push('');

  L.push('## Scale: the token endpoint in 1 and 2 processes sharing one Redis (RedisReplayStore)', '');
  if (r.scale) {
    L.push('| processes | requests/s | p50 ms | p99 ms | errors | grants sent twice at once | exactly one 200 | two 200s | no 200 | other answers |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [n, x] of Object.entries(r.scale.processes)) {
      L.push(`| ${n} | ${fmt(x.requestsPerSec)} | ${fmt(x.p50Ms)} | ${fmt(x.p99Ms)} | ${x.errors} | ${x.pairs} | ${x.exactlyOnce} | ${x.twice} | ${x.never} | ${x.otherAnswers} |`);
    }
    L.push('', `2 processes / 1: ${ratio(r.scale.scaling)} (the machine has ${r.machine.cores} cores, shared with the load generator and redis-server). Method: ${r.scale.method}.`);
  } else L.push(`Not measured: ${r.errors?.scale ?? 'no result'}`);
  L.push('');

  L.push('## Memory', '');
  if (r.memory) {
    const mm = r.memory;
    if (mm.capped) L.push(`**The run hit its time cap: ${mm.verifications.toLocaleString('en-US')} of ${mm.requested.toLocaleString('en-US')} verifications.**`, '');
    const g = mm.afterWarmup;
    const signed = (x) => `${x >= 0 ? '+' : ''}${fmt(x)}`;
    L.push(`**${mm.verdict}** after ${mm.verifications.toLocaleString('en-US')} verifications (${mm.algorithm}, ${fmt(mm.seconds)} s). After warm-up: wasm memory ${signed(g.wasmGrowthBytes)} bytes, JS heap in use ${signed(g.heapUsedGrowthMB)} MB, RSS outside the V8 heap ${signed(g.outsideHeapGrowthMB)} MB (raw RSS ${signed(g.rssGrowthMB)} MB).`, '');
    L.push('| verifications | RSS MB | RSS − V8 heap MB | JS heap used / total MB | wasm memory MB |', '|---:|---:|---:|---:|---:|');
    for (const s of mm.samples) L.push(`| ${s.verifications.toLocaleString('en-US')} | ${fmt(s.rssMB)} | ${fmt(s.outsideHeapMB)} | ${fmt(s.heapUsedMB)} / ${fmt(s.heapTotalMB)} | ${fmt(s.wasmBytes / 1048576)} |`);
    const c = mm.churn;
    if (c) {
      L.push('', `**Cache churn: ${c.verdict}** — ${c.verifications.toLocaleString('en-US')} access-token verifications${c.capped ? ` (time cap hit, of ${c.requested.toLocaleString('en-US')})` : ''} over ${c.distinctTokens.toLocaleString('en-US')} distinct tokens, cache bound ${c.maxEntries}: ${c.misses.toLocaleString('en-US')} misses, ${c.hits.toLocaleString('en-US')} hits, ${c.evictions.toLocaleString('en-US')} evictions, ${c.entries} entries at the end. After warm-up (against its peak): wasm ${signed(c.afterWarmup.wasmGrowthBytes)} bytes, JS heap in use ${signed(c.afterWarmup.heapUsedGrowthMB)} MB, RSS outside the V8 heap ${signed(c.afterWarmup.outsideHeapGrowthMB)} MB.`);
      L.push('', '| churn verifications | RSS MB | RSS − V8 heap MB | JS heap used MB | wasm memory MB | cache entries |', '|---:|---:|---:|---:|---:|---:|');
      for (const x of c.samples) L.push(`| ${x.verifications.toLocaleString('en-US')} | ${fmt(x.rssMB)} | ${fmt(x.outsideHeapMB)} | ${fmt(x.heapUsedMB)} | ${fmt(x.wasmBytes / 1048576)} | ${x.cacheEntries ?? '–'} |`);
    }
    L.push('', `Method: ${mm.method}.${mm.niced ? ' The run shares the machine with the other phases (at nice 19 during the timed ones): its µs per verification is not a speed figure.' : ''}`);
  } else L.push(`Not measured: ${r.errors?.memory ?? 'no result'}`);
  L.push('');
  if (r.errors && Object.keys(r.errors).length > 0) {
    L.push('## Errors', '');
    for (const [phase, e] of Object.entries(r.errors)) L.push(`- ${phase}: ${e}`);
    L.push('');
  }
  L.push(`Whole run: ${fmt(r.wallSeconds)} s (\`make bench\`, bench/run.mjs).`, '');
  return L.join('\n');
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars: each target's ratio (value / what it is compared with), its target line. */
export function chart(r) {
  const rows = r.targets.filter((t) => t.kind !== 'flag' && Number.isFinite(t.value));
  const W = 760;
  const left = 300;
  const right = 90;
  const rowH = 34;
  const top = 54;
  const H = top + rows.length * rowH + 46;
  const max = Math.max(1.1, ...rows.map((t) => Math.max(t.value, t.limit) * 1.08));
  const x = (v) => left + ((W - left - right) * v) / max;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="16" y="24" font-size="16" font-weight="600">idjag vs jose — ratios against the issue 14 targets (dashed: the target)</text>`);
  out.push(`<text x="16" y="42" fill="#555">${esc(`${r.machine.date.slice(0, 10)} · node ${r.machine.node} · ${r.machine.cpu} × ${r.machine.cores} · shared machine, noisy`)}</text>`);
  // grid: 0, 0.5, 1, ... up to max
  for (let g = 0; g <= max + 1e-9; g += max > 3 ? 1 : 0.5) {
    out.push(`<line x1="${x(g).toFixed(1)}" y1="${top - 4}" x2="${x(g).toFixed(1)}" y2="${top + rows.length * rowH}" stroke="${g === 1 ? '#999' : '#e5e5e5'}"/>`);
    out.push(`<text x="${x(g).toFixed(1)}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#555">${fmt(g)}×</text>`);
  }
  rows.forEach((t, i) => {
    const y = top + i * rowH;
    const color = t.met ? '#2e7d32' : '#e65100';
    out.push(`<text x="${left - 10}" y="${y + 21}" text-anchor="end">${esc(t.name)}</text>`);
    out.push(`<rect x="${left}" y="${y + 8}" width="${Math.max(1, x(t.value) - left).toFixed(1)}" height="18" fill="${color}" rx="2"/>`);
    out.push(`<line x1="${x(t.limit).toFixed(1)}" y1="${y + 3}" x2="${x(t.limit).toFixed(1)}" y2="${y + 31}" stroke="#111" stroke-width="2" stroke-dasharray="4 2"/>`);
    const label = `${t.display ?? `${fmt(t.value)}×`} (${t.met ? 'met' : 'not yet'})`;
    out.push(`<text x="${(x(Math.max(t.value, t.limit)) + 6).toFixed(1)}" y="${y + 21}" fill="${color}">${esc(label)}</text>`);
  });
  const ly = H - 14;
  out.push(`<rect x="16" y="${ly - 10}" width="12" height="12" fill="#2e7d32"/><text x="34" y="${ly}">met</text>`);
  out.push(`<rect x="80" y="${ly - 10}" width="12" height="12" fill="#e65100"/><text x="98" y="${ly}">not yet</text>`);
  out.push(`<line x1="170" y1="${ly - 4}" x2="196" y2="${ly - 4}" stroke="#111" stroke-width="2" stroke-dasharray="4 2"/><text x="202" y="${ly}">target (wasm size: fraction of the 200 KB budget)</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes results.json, RESULTS.md and chart.svg next to this file; returns the Markdown. */
export function writeReport(results) {
  results.targets = evaluateTargets(results);
  const md = markdown(results);
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(BENCH_DIR, 'RESULTS.md'), md);
  writeFileSync(join(BENCH_DIR, 'chart.svg'), chart(results));
  return md;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = JSON.parse(readFileSync(join(BENCH_DIR, 'results.json'), 'utf8'));
  process.stdout.write(writeReport(results));
}
