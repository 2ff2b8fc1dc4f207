// The guard around each wasm instance (issue 10: "no input reaches a trap", and if one ever
// does, "the JS layer never leaves a dead instance behind").
//
// A trap (a RuntimeError, a wasm stack overflow, anything thrown that is not the core's own
// error object) leaves the instance's memory in an unknown state. `call()` then:
//   1. releases every object of the old instance without touching it (`__destroy_into_raw`,
//      so no finalizer ever frees an old pointer into the new instance);
//   2. instantiates the same module again (`__idjag_reinstantiate`, appended to the
//      wasm-bindgen glue by scripts/build.sh) and bumps `generation`;
//   3. fails that call closed with IdJagError ERR_INTERNAL.
// Owners (IdJagVerifier, MemoryReplayStore, …) compare `generation` before each use and
// rebuild their objects from what they kept (options text, installed keys). The next call works.
//
// Loading (issue 13). One wasm instance per process, whatever mix of `import`, `require` and
// subpaths loaded the package: the entries only *register* how to get a build (registerBuild);
// the instance is created on first use (or by `ready()`) and kept in a registry on globalThis,
// keyed by the package version, so the ESM sources and each CJS bundle (dist/*.cjs, which carry
// their own copies of these modules) share it. The registry holds the glue module (the
// wasm-bindgen classes) with the CoreInstance, so every copy builds its objects through the
// glue that owns the instance.
//   - Two builds: 'verifier' (pkg/wasm) and 'full' (pkg/wasm-full, every export of the
//     verifier build plus signing). The shared instance is the full build when any loaded entry
//     registered it (Node, Bun, Deno entries always do), else the verifier build. Only when the
//     verifier build is already running and a full-build class is used afterwards (a page that
//     imports `idjag/server` lazily, after using `idjag`) is a second, full instance made.
//   - Synchronous loaders (Node: the file; Deno, workerd: a compiled module; embedded bytes
//     off the browser main thread) instantiate on first use. Asynchronous ones (browsers:
//     fetch) are started by the entry without top-level await; until they finish, sync APIs
//     (constructors, inspect) throw ERR_CONFIG telling the caller to `await ready()`.
import { IdJagError, configError, fromWasm, internalError, isWasmError } from './errors.js';

/** Must equal pkg/package.json "version" (tests/js/loading.test.mjs checks it). */
export const VERSION = '0.1.0';

const Ref = typeof WeakRef === 'function'
  ? WeakRef
  : class StrongRef {
      #o;
      constructor(o) { this.#o = o; }
      deref() { return this.#o; }
    };

export class CoreInstance {
  /** Bumped by every restart; owners rebuild their wasm objects when it changed. */
  generation = 0;
  #glue;
  #live = new Set();
  #pruneAt = 64;
  #armed = false;
  #listeners = new Set();

  /** @param {{ __idjag_reinstantiate: () => unknown, __idjag_abort?: () => void }} glue */
  constructor(glue) {
    this.#glue = glue;
  }

  /** Registers a wasm object so a restart can release it. Returns it. */
  track(obj) {
    this.#live.add(new Ref(obj));
    if (this.#live.size > this.#pruneAt) {
      for (const r of this.#live) if (!r.deref()?.__wbg_ptr) this.#live.delete(r);
      this.#pruneAt = this.#live.size * 2 + 64;
    }
    return obj;
  }

  /** Runs `fn` (which calls into this instance); core errors become IdJagError, traps restart. */
  call(fn) {
    try {
      if (this.#armed) {
        this.#armed = false;
        this.#glue.__idjag_abort?.();
      }
      return fn();
    } catch (e) {
      if (isWasmError(e)) throw fromWasm(e);
      if (e instanceof IdJagError) throw e; // already ours (a nested call, an option error)
      this.#restart();
      throw internalError(e);
    }
  }

  /** `listener(generation)` after each restart (MemoryReplayStore marks its state lost). */
  onRestart(listener) {
    this.#listeners.add(listener);
  }

  /** Test hook: the next `call()` traps inside the instance first (a real `unreachable`). */
  armTrapForTests() {
    this.#armed = true;
  }

  #restart() {
    for (const r of this.#live) {
      const o = r.deref();
      if (o && o.__wbg_ptr) o.__destroy_into_raw();
    }
    this.#live.clear();
    this.#glue.__idjag_reinstantiate();
    this.generation += 1;
    for (const l of this.#listeners) {
      try {
        l(this.generation);
      } catch {
        // a listener must not stop the restart
      }
    }
  }
}

const REGISTRY_KEY = Symbol.for(`idjag.core@${VERSION}`);

/**
 * The process-wide registry (shared by every copy of this module of the same version).
 * `builds`: build → { glue, sync?, async?, where } (first registration of a build wins);
 * `main`: the shared { build, glue, core }; `extraFull`: see above; `instances`: how many
 * instances were created from a loader (restarts excluded) — a test counter.
 */
function registry() {
  let r = globalThis[REGISTRY_KEY];
  if (r === undefined) {
    r = { builds: { verifier: null, full: null }, main: null, extraFull: null, pending: null, instances: 0 };
    Object.defineProperty(globalThis, REGISTRY_KEY, { value: r, enumerable: false, configurable: true, writable: false });
  }
  return r;
}

/**
 * Registers how to instantiate a build. `loader.sync()` instantiates it synchronously through
 * `glue` (initSync); `loader.async()` returns a promise that does. `where` names the source for
 * messages. `eager`: start the (async) instantiation now, after the current module graph has
 * evaluated (a microtask, so an `idjag/server` entry imported next to `idjag` registers first).
 * @param {'verifier' | 'full'} build
 * @param {object} glue the wasm-bindgen glue module of that build
 * @param {{ sync?: () => unknown, async?: () => Promise<unknown>, where?: string, eager?: boolean }} loader
 */
export function registerBuild(build, glue, loader) {
  const r = registry();
  if (!r.builds[build]) r.builds[build] = { glue, ...loader };
  if (loader.eager) {
    Promise.resolve().then(() => ready()).catch(() => {
      // reported to whoever awaits ready() or uses the API; a background start stays silent
    });
  }
}

function created(r, build, entry) {
  r.instances += 1;
  return { build, glue: entry.glue, core: new CoreInstance(entry.glue) };
}

function loadError(entry, e) {
  if (e instanceof IdJagError) return e;
  const why = String(e?.message ?? e).slice(0, 300);
  return configError(`idjag could not load its wasm core${entry.where ? ` (${entry.where})` : ''}: ${why}`, e);
}

// Marks the "still loading" error, for `available()` in any copy of this module.
const NOT_READY = Symbol.for('idjag.notReady');
function notReady() {
  const e = configError('idjag: the wasm core is still loading; `await ready()` (exported by idjag) before this synchronous call');
  Object.defineProperty(e, NOT_READY, { value: true, enumerable: false });
  return e;
}

/** The shared slot `want` needs (null: not instantiated yet). */
function slotFor(r, want) {
  if (r.main && (want === 'verifier' || r.main.build === 'full')) return r.main;
  if (r.main) return r.extraFull;
  return null;
}

/** Instantiates what `want` needs synchronously, or throws (not ready / load failure). */
function instantiateSync(want) {
  const r = registry();
  const slot = slotFor(r, want);
  if (slot) return slot;
  const build = want === 'full' || r.builds.full ? 'full' : 'verifier';
  const entry = r.builds[build];
  if (!entry) {
    throw configError(want === 'full'
      ? 'idjag: this needs the signing build; import it from idjag/server (or idjag/testing)'
      : 'idjag: no wasm build was registered (with idjag/manual, call init() or initSync() first)');
  }
  if (!entry.sync) {
    ready().catch(() => {});
    throw notReady();
  }
  try {
    entry.sync();
  } catch (e) {
    throw loadError(entry, e);
  }
  const made = created(r, build, entry);
  if (r.main) r.extraFull = made;
  else r.main = made;
  return made;
}

/**
 * Resolves once every registered build this process uses is instantiated (the shared
 * instance, and the full build if it was registered after a verifier instance was made).
 * Rejects with IdJagError ERR_CONFIG when the wasm cannot be loaded; a later call tries again.
 * Never needed in Node, Bun, Deno or workerd (they instantiate synchronously on first use);
 * in browsers, await it once before the synchronous APIs (constructors, inspect()).
 * @returns {Promise<void>}
 */
export function ready() {
  const r = registry();
  const needFull = r.builds.full !== null;
  if (r.main && (!needFull || slotFor(r, 'full'))) return Promise.resolve();
  if (r.pending) return r.pending;
  const want = needFull ? 'full' : 'verifier';
  const run = (async () => {
    const build = r.builds.full ? 'full' : 'verifier';
    const entry = r.builds[build];
    if (!entry) throw configError('idjag: no wasm build was registered (with idjag/manual, call init() or initSync() first)');
    try {
      if (entry.async) await entry.async();
      else entry.sync();
    } catch (e) {
      throw loadError(entry, e);
    }
    if (!slotFor(r, want)) {
      const made = created(r, build, entry);
      if (r.main) r.extraFull = made;
      else r.main = made;
    }
  })();
  r.pending = run.finally(() => {
    r.pending = null;
  });
  return r.pending;
}

/**
 * The handle the JS classes use for one build: the CoreInstance interface (call, track,
 * generation, onRestart, armTrapForTests), resolved on each use to the shared instance.
 * @param {'verifier' | 'full'} want
 */
export function coreHandle(want) {
  const slot = () => slotFor(registry(), want) ?? instantiateSync(want);
  return {
    get generation() {
      return slot().core.generation;
    },
    /** The glue module that owns the instance (its classes build this instance's objects). */
    get glue() {
      return slot().glue;
    },
    /**
     * True when the instance exists or can be made synchronously now; false while an
     * asynchronous load (browsers) is under way, so a constructor can leave its core object to
     * the first async call (which awaits `ready()`). A load failure throws.
     */
    available() {
      try {
        slot();
        return true;
      } catch (e) {
        if (e?.[NOT_READY] === true) return false;
        throw e;
      }
    },
    /** `ready()`: resolves once the instance exists. */
    ready() {
      return ready();
    },
    call(fn) {
      return slot().core.call(fn);
    },
    track(obj) {
      return slot().core.track(obj);
    },
    onRestart(listener) {
      slot().core.onRestart(listener);
    },
    armTrapForTests() {
      slot().core.armTrapForTests();
    },
  };
}

/** Test-only: what the registry holds (instances created, builds used). */
export function registryStateForTests() {
  const r = registry();
  return {
    instances: r.instances,
    main: r.main?.build ?? null,
    extraFull: r.extraFull?.build ?? null,
    registered: Object.keys(r.builds).filter((b) => r.builds[b]),
  };
}

/**
 * A JSON document for the core: the core takes JSON *text* and parses it with its strict,
 * depth-bounded parser. Values JSON cannot carry (functions, cycles, BigInt) are ERR_CONFIG.
 */
export function jsonText(value, what) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw configError(`${what} cannot be expressed as json: ${String(e?.message ?? e).slice(0, 64)}`);
  }
  if (typeof text !== 'string') throw configError(`${what} cannot be expressed as json`);
  return text;
}
