// Writes a workerd (capnp) config that serves worker.js with `workerd serve`, the way wrangler
// would bundle it: the worker's modules, then `idjag/server` resolved through the `workerd`
// condition of pkg/package.json and its import graph followed like a bundler does (`.js` → an
// ES module, `.wasm` → a compiled wasm module). The settings go in as `text` / `json` bindings;
// the replay store is the ReplayDurableObject with in-memory storage (state is lost when workerd
// stops; production uses wrangler.toml and Cloudflare's storage). Several workers (separate
// isolates) can serve worker.js against the one Durable Object namespace, as Cloudflare does.
//
// Used by tests/js/edge-worker.test.mjs. Node only (it reads the file tree).
//
//   import { writeWorkerdConfig } from './workerd-config.mjs';
//   const file = writeWorkerdConfig({ dir, bindings: { AS_ISSUER: 'http://127.0.0.1:8787', ... } });
//   // workerd serve <file> --socket-addr http=127.0.0.1:8787
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COMPATIBILITY_DATE = '2025-09-01';
const WORKER_DIR = 'examples/edge-worker/';
const MAIN = `${WORKER_DIR}worker.js`;
const BUILTIN = /^(cloudflare|node|workerd):/;

/** The entry of `idjag/server` for workerd, from pkg/package.json exports (repo-relative). */
function serverEntry() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'pkg/package.json'), 'utf8'));
  const cond = pkg.exports?.['./server']?.workerd ?? pkg.exports?.['./server']?.worker;
  const entry = typeof cond === 'string' ? cond : cond?.default;
  if (!entry) throw new Error('pkg/package.json has no exports["./server"].workerd entry');
  return join('pkg', entry).split('\\').join('/');
}

/** The modules reachable from the worker by static imports: repo-relative path → kind. */
function moduleGraph() {
  const modules = new Map();
  const kindOf = (file) => (file.endsWith('.wasm') ? 'wasm' : file.endsWith('.json') ? 'json' : 'esModule');
  const aliases = new Map([['idjag/server', serverEntry()]]);
  const visit = (file) => {
    if (modules.has(file)) return;
    const abs = join(ROOT, file);
    if (!existsSync(abs)) throw new Error(`module ${file} does not exist (run \`make build\`?)`);
    const kind = kindOf(file);
    modules.set(file, kind);
    if (kind !== 'esModule') return;
    const src = readFileSync(abs, 'utf8');
    const re = /^\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
    for (const m of src.matchAll(re)) {
      const spec = m[1] ?? m[2];
      if (BUILTIN.test(spec)) continue;
      if (aliases.has(spec)) {
        visit(aliases.get(spec));
      } else if (spec.startsWith('./') || spec.startsWith('../')) {
        visit(relative(ROOT, resolve(dirname(abs), spec)).split('\\').join('/'));
      } else {
        throw new Error(`${file} imports ${JSON.stringify(spec)}, which this generator cannot resolve`);
      }
    }
  };
  visit(MAIN);
  return { modules, aliases };
}

// capnp string literals take C escapes; JSON.stringify of ASCII text produces only those.
function capnpString(value) {
  const s = JSON.stringify(value);
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error('binding values must be ASCII');
  return s;
}

/**
 * Writes `<dir>/config.capnp` and returns its path.
 * @param {{ dir: string, bindings: Record<string, string | object>, replay?: 'durable-object' | 'memory',
 *   instances?: number, probe?: string }} options
 *   bindings: a string becomes a `text` binding, anything else a `json` binding.
 *   replay: 'durable-object' (default) binds REPLAY to ReplayDurableObject.
 *   instances: how many separate workers (isolates) serve worker.js, on the sockets `http`,
 *     `http2`, … (default 1); all of them bind the ReplayDurableObject namespace of the first.
 *   probe: a repo-relative module served on the socket `probe` with only the REPLAY binding
 *     (tests look at the Durable Object through it).
 */
export function writeWorkerdConfig({ dir, bindings, replay = 'durable-object', instances = 1, probe }) {
  if (!Number.isInteger(instances) || instances < 1) throw new TypeError('instances must be a positive integer');
  if (probe !== undefined && replay !== 'durable-object') throw new TypeError('probe needs replay: durable-object');
  const { modules, aliases } = moduleGraph();
  const embed = (file) => capnpString(relative(dir, join(ROOT, file)).split('\\').join('/'));
  // workerd resolves every specifier, bare ones too, against the importing module's name as a
  // URL path. So the worker's own modules are named relative to its directory (`worker.js`,
  // `config.js`, …) and `idjag/server` is a module at the top whose specifier matches the bare
  // import; the package's files keep their repo paths (`pkg/src/…`).
  const nameOf = (file) => (file.startsWith(WORKER_DIR) ? file.slice(WORKER_DIR.length) : file);
  const moduleLines = [
    ...[...modules].map(([file, kind]) => `(name = ${capnpString(nameOf(file))}, ${kind} = embed ${embed(file)})`),
    // `import ... from 'idjag/server'`: the module a bundler's resolver would produce.
    ...[...aliases].map(([name, file]) => {
      const target = relative(dirname(`/${name}`), `/${nameOf(file)}`);
      return `(name = ${capnpString(name)}, esModule = ${capnpString(`export * from ${JSON.stringify(target)};`)})`;
    }),
  ];
  const bindingLines = Object.entries(bindings).map(([name, value]) => (typeof value === 'string'
    ? `(name = ${capnpString(name)}, text = ${capnpString(value)})`
    : `(name = ${capnpString(name)}, json = ${capnpString(JSON.stringify(value))})`));
  // The first worker owns the namespace; the others (and the probe) bind it by service name.
  const replayBinding = (own) => (replay !== 'durable-object'
    ? '(name = "REPLAY_STORE", text = "memory")'
    : own
      ? '(name = "REPLAY", durableObjectNamespace = "ReplayDurableObject")'
      : '(name = "REPLAY", durableObjectNamespace = (serviceName = "edge1", className = "ReplayDurableObject"))');
  const worker = (i) => {
    const durable = i === 1 && replay === 'durable-object'
      ? `
  durableObjectNamespaces = [ (className = "ReplayDurableObject", uniqueKey = "idjag-edge-worker-replay") ],
  durableObjectStorage = (inMemory = void),`
      : '';
    return `const edge${i} :Workerd.Worker = (
  modules = [
    ${moduleLines.join(',\n    ')},
  ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  bindings = [
    ${[...bindingLines, replayBinding(i === 1)].join(',\n    ')},
  ],${durable}
);`;
  };
  const ids = Array.from({ length: instances }, (_, k) => k + 1);
  const services = ids.map((i) => `(name = "edge${i}", worker = .edge${i})`);
  const sockets = ids.map((i) => `(name = "http${i === 1 ? '' : i}", address = "127.0.0.1:0", http = (), service = "edge${i}")`);
  const workers = ids.map(worker);
  if (probe !== undefined) {
    services.push('(name = "probe", worker = .probe)');
    sockets.push('(name = "probe", address = "127.0.0.1:0", http = (), service = "probe")');
    workers.push(`const probe :Workerd.Worker = (
  modules = [ (name = "probe.js", esModule = embed ${embed(probe)}) ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  bindings = [ ${replayBinding(false)} ],
);`);
  }

  const file = join(dir, 'config.capnp');
  writeFileSync(file, `# Generated by examples/edge-worker/workerd-config.mjs. Holds secrets: do not commit.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(',\n    ')},
  ],
  sockets = [
    ${sockets.join(',\n    ')},
  ],
);

${workers.join('\n\n')}
`, { mode: 0o600 });
  return file;
}
