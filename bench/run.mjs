// `make bench` (issue 6): runs every measurement, then writes bench/results.json,
// bench/RESULTS.md and bench/chart.svg and prints the Markdown (targets first).
//
//   node bench/run.mjs [--quick]      (make bench runs `make build` first)
//
// Order, chosen to stay well under 10 minutes on 2 shared cores:
//   1. wasm size (pkg/wasm/idjag_bg.wasm raw and gzip -9);
//   2. the 1 000 000-verification memory run (bench/memory.mjs) starts in its own process and
//      runs throughout: it measures memory, not speed. Alongside the native build it competes
//      normally; from the first timed phase on it is reniced to 19, so it takes only CPU time
//      the timed phases leave idle. Its µs per verification is not a benchmark figure;
//   3. one after the other: the build of the native timing binary (`cargo bench --no-run`),
//      verify idjag vs jose (bench/verify.mjs), native (that binary over the same tokens), cold
//      start (bench/cold.mjs), token endpoint under load (bench/endpoint.mjs);
//      between them the re-verify of one access token (bench/reverify.mjs, the cache) and after
//      them the token endpoint in 1 and 2 processes on one Redis (bench/scale.mjs);
//   4. wait for the memory run, then the report.
// Each phase runs in a fresh process. A phase that crashes is reported and makes the exit
// status 1; a missed target does not (benchmarks are not tests).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync, constants as zc } from 'node:zlib';
import { BENCH_DIR, ROOT } from './scenario.mjs';
import { writeReport } from './report.mjs';
import { log } from './stats.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' } } });
const QUICK = args.quick;
const P = QUICK
  ? {
    verify: ['--runs', '11'], native: ['--runs', '11'], cold: ['--n', '5'], reverify: ['--runs', '7'],
    memory: ['--n', '50000', '--every', '10000', '--churn-n', '20000', '--churn-every', '4000'],
    endpoint: ['--requests', '300', '--rounds', '2', '--warmup', '100'], scale: ['--requests', '200', '--pairs', '100'],
  }
  : {
    verify: ['--runs', '61'], native: ['--runs', '31'], cold: ['--n', '15'], reverify: ['--runs', '21'],
    // 800 000 grant verifications + 200 000 access-token verifications churning the cache: 10⁶.
    memory: ['--n', '800000', '--every', '100000', '--churn-n', '200000', '--churn-every', '25000'],
    endpoint: ['--requests', '1000', '--rounds', '3', '--warmup', '300'], scale: ['--requests', '600', '--pairs', '300'],
  };

const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'idjag-bench-'));
const file = (name) => join(work, name);

/** Runs a command; resolves with its stdout; stderr goes to ours (progress). */
function run(cmd, argv, { capture = true, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    onSpawn?.(child);
    let out = '';
    child.stdout?.on('data', (c) => { out += c; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${[cmd, ...argv].map((a) => a.replace(ROOT, '.')).join(' ')} exited with ${code ?? signal}`));
    });
  });
}
const node = (script, argv, { flags = [], onSpawn } = {}) => run(process.execPath, [...flags, join(BENCH_DIR, script), ...argv], { onSpawn });
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

const results = {
  machine: {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${release()} ${arch()}`,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  quick: QUICK,
  notes: [
    'idjag verifies with replay: \'reusable\' and jose keeps no jti set in the verify, cold-start and memory runs: replay consumption is excluded from both sides there; the token-endpoint run includes it on both.',
    'Both sides verify the same grants (minted with jose from tests/keys) with the same public JWKS and VerifierOptions; ctx.now / currentDate is fixed.',
    'The machine is shared with other jobs: timings are noisy; ratios are measured interleaved in one run.',
  ],
  errors: {},
};

async function phase(name, fn) {
  const t0 = performance.now();
  log(`${name} …`);
  try {
    await fn();
  } catch (e) {
    results.errors[name] = e.message;
    log(`${name} FAILED: ${e.message}`);
  }
  log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  await phase('wasmSize', async () => {
    const size = (rel) => {
      const bytes = readFileSync(join(ROOT, rel));
      return { path: rel, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: zc.Z_BEST_COMPRESSION }).length };
    };
    results.wasmSize = { verifier: size('pkg/wasm/idjag_bg.wasm') };
    try {
      results.wasmSize.full = size('pkg/wasm-full/idjag_bg.wasm');
    } catch { /* optional: the signing build for idjag/testing */ }
  });

  let memoryChild;
  let memoryNiced = false;
  const memory = phase('memory', async () => {
    await node('memory.mjs', ['--out', file('memory.json'), ...P.memory], { flags: ['--expose-gc'], onSpawn: (c) => { memoryChild = c; } });
    results.memory = { ...readJson(file('memory.json')), niced: memoryNiced };
  });

  let nativeBinary;
  await phase('nativeBuild', async () => {
    // The path of the built binary, so the native phase runs exactly it (no rebuild in between).
    const out = await run('cargo', ['bench', '--bench', 'verify', '--no-run', '--message-format=json-render-diagnostics']);
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line);
      if (msg.reason === 'compiler-artifact' && msg.target?.name === 'verify' && msg.executable) nativeBinary = msg.executable;
    }
    if (!nativeBinary) throw new Error('cargo did not report the benches/verify.rs executable');
  });

  // From here on the phases are timed: the memory run's main thread (where its verifications
  // run) drops to the lowest priority.
  if (memoryChild?.exitCode === null) {
    try {
      setPriority(memoryChild.pid, 19);
      memoryNiced = true;
    } catch (e) {
      log(`could not renice the memory run (${e.code ?? e.message}): timed phases share the CPU with it`);
    }
  }

  await phase('verify', async () => {
    await node('verify.mjs', ['--out', file('verify.json'), '--tokens-out', file('tokens.json'), ...P.verify]);
    results.verify = readJson(file('verify.json'));
    if (results.verify.equivalence.disagreements.length > 0) {
      throw new Error(`idjag and jose disagree on ${results.verify.equivalence.disagreements.length} grants: the comparison is not like for like`);
    }
  });

  await phase('native', async () => {
    if (!nativeBinary) throw new Error('the native binary did not build');
    if (!results.verify) throw new Error('no tokens: the verify phase failed');
    const out = await run(nativeBinary, [file('tokens.json'), ...P.native]);
    results.native = JSON.parse(out.trim().split('\n').at(-1));
    results.nativeMethod = `benches/verify.rs, Verifier::verify (replay reusable) over the same tokens, median µs of ${P.native[1]} runs of ~25 ms batches, \`cargo bench\` profile (release, fat LTO)`;
    for (const [alg, x] of Object.entries(results.native)) log(`  native ${alg}: ${x.usPerVerify.toFixed(1)} µs`);
  });

  await phase('reverify', async () => {
    await node('reverify.mjs', ['--out', file('reverify.json'), ...P.reverify]);
    results.reverify = readJson(file('reverify.json'));
  });

  await phase('cold', async () => {
    await node('cold.mjs', ['--out', file('cold.json'), ...P.cold]);
    results.cold = readJson(file('cold.json'));
  });

  await phase('endpoint', async () => {
    await node('endpoint.mjs', ['--out', file('endpoint.json'), ...P.endpoint]);
    results.endpoint = readJson(file('endpoint.json'));
  });

  await phase('scale', async () => {
    await node('scale.mjs', ['--out', file('scale.json'), ...P.scale]);
    results.scale = readJson(file('scale.json'));
  });

  await memory;
} finally {
  rmSync(work, { recursive: true, force: true });
}

results.wallSeconds = Math.round((performance.now() - started) / 100) / 10;
if (Object.keys(results.errors).length === 0) delete results.errors;
const md = writeReport(results);
process.stdout.write(`\n${md}\n`);
process.stdout.write('Written: bench/results.json, bench/RESULTS.md, bench/chart.svg\n');
for (const t of results.targets) {
  const v = t.display ?? (Number.isFinite(t.value) ? `${t.value}×` : '–');
  log(`target ${t.name}: ${t.met === null ? 'not measured' : t.met ? 'met' : 'not yet'} (${v}, wanted ${t.target})`);
}
if (results.errors) process.exitCode = 1;
