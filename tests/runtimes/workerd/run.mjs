// Cloudflare workerd: generates a capnp config for worker.js and the package's `workerd`
// entry (found through pkg/package.json exports, its module graph followed the way a bundler
// would: `.js` → esModule, `.wasm` → wasm module), starts `workerd serve` on a free loopback
// port, GETs /run, prints the report, and kills workerd whatever happens.
//   node tests/runtimes/workerd/run.mjs [--verdicts]
// Env: WORKERD_BIN (default node_modules/.bin/workerd or node_modules/workerd/bin/workerd),
//      IDJAG_RUNTIME_TIMEOUT_MS (default 55000).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isGreen, reportLines } from '../lib/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const outDir = fileURLToPath(new URL('../artifacts/workerd/', import.meta.url));
const deadlineMs = Number(process.env.IDJAG_RUNTIME_TIMEOUT_MS) || 55_000;
const started = Date.now();
const remaining = () => deadlineMs - (Date.now() - started);
const wantVerdicts = process.argv.includes('--verdicts');
const COMPAT_DATE = '2025-09-01';

let child = null;
let childLog = '';
const running = () => child !== null && child.exitCode === null && child.signalCode === null;
const killChild = () => {
  if (running()) child.kill('SIGKILL');
};
// Stops workerd and waits for it (so it is reaped, not left as a zombie): SIGTERM, then
// SIGKILL after 3 s.
async function stopChild() {
  if (!running()) return;
  const gone = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  const t = setTimeout(killChild, 3_000);
  await gone;
  clearTimeout(t);
}
process.on('exit', killChild); // synchronous last resort: never leave workerd behind
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    console.error(`workerd: ${sig}, shutting down`);
    stopChild().finally(() => process.exit(130));
  });
}
let failing = false;
async function fail(msg) {
  if (failing) return new Promise(() => {});
  failing = true;
  await stopChild();
  if (childLog.trim()) console.error(`workerd: workerd output:\n${childLog.trimEnd()}`);
  console.error(`workerd: ERROR ${msg}`);
  process.exit(2);
}
setTimeout(() => void fail(`timed out after ${deadlineMs} ms`), deadlineMs).unref();

// --- the workerd binary -----------------------------------------------------------------
const bin =
  process.env.WORKERD_BIN ||
  [join(root, 'node_modules/.bin/workerd'), join(root, 'node_modules/workerd/bin/workerd')].find((p) => existsSync(p));
if (!bin) await fail('no workerd binary: npm i (devDependency `workerd`) or set WORKERD_BIN');

// --- the modules: worker.js, the vectors, the harness, and the package's workerd graph -----
const pkg = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8'));
const cond = pkg.exports?.['.']?.workerd ?? pkg.exports?.['.']?.worker;
const entry = typeof cond === 'string' ? cond : cond?.default;
if (!entry) await fail('pkg/package.json has no exports["."].workerd (or .worker) entry');
if (!existsSync(join(root, 'pkg/wasm/idjag_bg.wasm'))) await fail('pkg/wasm/idjag_bg.wasm is missing: run `make build` first');

const modules = new Map(); // module name (repo-relative path) → { kind, file }
const kindOf = (file) => (file.endsWith('.wasm') ? 'wasm' : file.endsWith('.json') ? 'json' : 'esModule');
// Follows static imports/re-exports from `file` (repo-relative), like a bundler would.
function addGraph(file) {
  if (modules.has(file)) return;
  const abs = join(root, file);
  if (!existsSync(abs)) throw new Error(`module ${file} does not exist`);
  const kind = kindOf(file);
  modules.set(file, { kind, file });
  if (kind !== 'esModule') return;
  const src = readFileSync(abs, 'utf8');
  const re = /^\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('./') && !spec.startsWith('../')) {
      throw new Error(`${file} imports ${JSON.stringify(spec)}: not resolvable in workerd without a bundler (or nodejs_compat)`);
    }
    addGraph(relative(root, resolve(dirname(abs), spec)).split('\\').join('/'));
  }
}
const entryFile = join('pkg', entry).split('\\').join('/');
try {
  addGraph(entryFile);
  addGraph('tests/runtimes/lib/harness.js');
  addGraph('tests/vectors/grants.json');
} catch (e) {
  await fail(e.message);
}

mkdirSync(outDir, { recursive: true });
const configPath = join(outDir, 'config.capnp');
const embed = (file) => JSON.stringify(relative(outDir, join(root, file)).split('\\').join('/'));
const q = JSON.stringify;
const lines = [
  `(name = "worker.js", esModule = embed ${embed('tests/runtimes/workerd/worker.js')})`,
  // `import 'idjag'` from the root module: the alias a bundler's resolver would produce.
  `(name = "idjag", esModule = ${q(`export * from ${q(entryFile)};`)})`,
  ...[...modules.values()].map((m) => `(name = ${q(m.file)}, ${m.kind} = embed ${embed(m.file)})`),
];
writeFileSync(
  configPath,
  `# Generated by tests/runtimes/workerd/run.mjs — do not edit.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .idjagWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);

const idjagWorker :Workerd.Worker = (
  modules = [
    ${lines.join(',\n    ')},
  ],
  compatibilityDate = ${q(COMPAT_DATE)},
);
`,
);

// --- start workerd on a free port (retry if another process grabbed it meanwhile) ---------
function freePort() {
  return new Promise((ok, ko) => {
    const s = createServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function start(port) {
  childLog = '';
  child = spawn(bin, ['serve', configPath, 'config', '--socket-addr', `http=127.0.0.1:${port}`, '--verbose'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (childLog += d));
  child.stderr.on('data', (d) => (childLog += d));
  const exited = new Promise((ok) => child.once('exit', (code, sig) => ok({ code, sig })));
  child.once('error', (e) => void fail(`cannot start ${bin}: ${e.message}`));
  const base = `http://127.0.0.1:${port}`;
  const readyBy = Date.now() + Math.min(20_000, remaining() - 5_000);
  while (Date.now() < readyBy) {
    const r = await Promise.race([
      exited.then((x) => ({ exited: x })),
      fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) }).then(
        (res) => ({ ok: res.ok }),
        () => ({ ok: false }),
      ),
    ]);
    if (r.exited) return { exited: r.exited };
    if (r.ok) return { base };
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return { timeout: true };
}

let base;
for (let attempt = 1; attempt <= 3 && !base; attempt += 1) {
  const r = await start(await freePort());
  if (r.base) base = r.base;
  else if (r.exited && /address already in use|EADDRINUSE/i.test(childLog) && attempt < 3) continue;
  else if (r.exited) await fail(`workerd exited during start-up (code ${r.exited.code}, signal ${r.exited.sig}); config: ${relative(root, configPath)}`);
  else await fail('workerd did not answer /health within 20 s');
}

// --- run --------------------------------------------------------------------------------
let result;
try {
  const res = await fetch(`${base}/run`, { signal: AbortSignal.timeout(Math.max(1_000, remaining() - 2_000)) });
  const text = await res.text();
  try {
    result = JSON.parse(text);
  } catch {
    await fail(`GET /run answered ${res.status} with non-JSON: ${text.slice(0, 500)}`);
  }
  if (!res.ok || result.error) await fail(`GET /run answered ${res.status}: ${result.error ?? text.slice(0, 500)}`);
} catch (e) {
  await fail(`GET /run failed: ${e?.message ?? e}`);
}
await stopChild();

console.log(`workerd: ${modules.size + 2} modules, entry ${entryFile}, compatibilityDate ${COMPAT_DATE}`);
for (const line of reportLines(result, { verdicts: wantVerdicts, resolved: result.resolved })) console.log(line);
process.exit(isGreen(result) ? 0 : 1);
