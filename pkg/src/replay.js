// The default replay store: a JS face on the bounded in-memory cache of the Rust core
// (src/replay.rs via WasmReplayCache). The decision (fresh / replayed / full) is made in Rust.
import { WasmReplayCache } from '../wasm/idjag.js';
import { callWasm, configError, replayError } from './errors.js';

export class MemoryReplayStore {
  #cache;

  /** @param {{ maxEntries?: number }} [options] */
  constructor(options = {}) {
    const maxEntries = options?.maxEntries ?? 100000;
    // wasm-bindgen converts numbers to u32 with ToUint32 (wrapping), so refuse what would wrap.
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 0xffffffff) {
      throw configError('maxEntries must be a positive integer');
    }
    this.#cache = callWasm(() => new WasmReplayCache(maxEntries));
  }

  /**
   * Records `key` until `expiresAtMs`. True on first sighting, false when already recorded.
   * `nowMs` is the verification time the verifier used (ctx.now), so that entries expire on
   * the same clock as the grants; it defaults to the wall clock.
   * @param {string} key
   * @param {number} expiresAtMs
   * @param {number} [nowMs]
   * @returns {boolean}
   */
  consume(key, expiresAtMs, nowMs = Date.now()) {
    // Guard the wasm marshalling: a non-string key would be written out of bounds.
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    if (!Number.isFinite(expiresAtMs) || !Number.isFinite(nowMs)) throw new TypeError('expiresAtMs and nowMs must be finite numbers');
    const verdict = callWasm(() => this.#cache.consume(key, expiresAtMs / 1000, nowMs / 1000));
    if (verdict === 'fresh') return true;
    if (verdict === 'replayed') return false;
    if (verdict === 'full') throw replayError('replay store is full');
    throw replayError('replay store failed');
  }

  /** Number of entries currently held (expired ones included until they are swept). */
  get size() {
    return this.#cache.size();
  }
}
