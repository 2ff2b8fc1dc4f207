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
import { IdJagError, configError, fromWasm, internalError, isWasmError } from './errors.js';

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
