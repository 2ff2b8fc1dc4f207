// The default replay store: a JS face on the bounded in-memory cache of the Rust core
// (src/grant/replay.rs via WasmReplayCache). The decision (fresh / replayed / full) is made in Rust.
//
// Single-use state is never lost silently (issue 10). If the wasm core ever restarts after a
// trap (src/core.js), the entries it held are gone; the store then refuses, as replays, every
// grant that could have been consumed before the restart — those whose replay deadline is not
// later than the latest deadline it had recorded — and reports the loss through `onStateLost`
// (default: one console.error). Grants with later deadlines were never seen and are accepted.
import { WasmReplayCache, verifierCore } from './core-verifier.js';
import { replayError } from './errors.js';
import { checkOptions, is, systemClock } from './options.js';

export class MemoryReplayStore {
  #cache;
  #generation;
  #maxEntries;
  #latestUntil = -Infinity; // the latest deadline ever recorded (epoch seconds)
  #lostUntil = -Infinity; // after a restart: deadlines up to this are refused
  #onStateLost;

  /** @param {{ maxEntries?: number, onStateLost?: (info: { refusedUntil: number }) => void }} [options] */
  constructor(options) {
    checkOptions(options, 'options', 'MemoryReplayStore', {
      // wasm-bindgen converts numbers to u32 with ToUint32 (wrapping), so refuse what would wrap.
      maxEntries: Object.assign((v) => Number.isSafeInteger(v) && v >= 1 && v <= 0xffffffff, { what: 'a positive integer below 2^32' }),
      onStateLost: is.function,
    }, { optional: true });
    const { maxEntries = 100000, onStateLost } = options ?? {};
    this.#maxEntries = maxEntries;
    this.#onStateLost = onStateLost ?? ((info) => {
      console.error(`idjag: the in-memory replay store was lost (wasm core restarted); grants expiring up to ${new Date(info.refusedUntil * 1000).toISOString()} are refused`);
    });
    this.#cache = null; // made at the first consume() (in a browser the wasm may still be loading)
  }

  #newCache() {
    const cache = verifierCore.call(() => verifierCore.track(new WasmReplayCache(this.#maxEntries)));
    this.#generation = verifierCore.generation;
    return cache;
  }

  /** The cache of the current instance; after a restart, a new one and the loss recorded. */
  #live() {
    if (this.#cache === null) return (this.#cache = this.#newCache());
    if (this.#generation === verifierCore.generation) return this.#cache;
    this.#cache = this.#newCache();
    if (this.#latestUntil > this.#lostUntil) {
      this.#lostUntil = this.#latestUntil;
      try {
        this.#onStateLost({ refusedUntil: this.#lostUntil });
      } catch {
        // a sink that throws does not change the refusal
      }
    }
    return this.#cache;
  }

  /**
   * Records `key` until `expiresAt` (epoch seconds). True on first sighting, false when already
   * recorded. `nowSec` is the verification time the verifier used (its `now`); entries are
   * purged by the earlier of it and the wall clock, so a caller's `now` in the future never
   * empties the store (issue 11), while vectors with a `now` in the past still see their replays.
   * @param {string} key
   * @param {number} expiresAt epoch seconds
   * @param {number} [nowSec] epoch seconds
   * @returns {boolean}
   */
  consume(key, expiresAt, nowSec = systemClock()) {
    // Guard the wasm marshalling: a non-string key would be written out of bounds.
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    if (!Number.isFinite(expiresAt) || !Number.isFinite(nowSec)) throw new TypeError('expiresAt and nowSec must be finite numbers (epoch seconds)');
    const cache = this.#live();
    if (expiresAt <= this.#lostUntil) throw replayError('replay state was lost; grant refused as a possible replay');
    const purgeNowSec = Math.min(nowSec, systemClock());
    const verdict = verifierCore.call(() => cache.consume(key, expiresAt, purgeNowSec));
    if (verdict === 'fresh') {
      if (expiresAt > this.#latestUntil) this.#latestUntil = expiresAt;
      return true;
    }
    if (verdict === 'replayed') return false;
    if (verdict === 'full') throw replayError('replay store is full');
    throw replayError('replay store failed');
  }

  /** Number of entries currently held (expired ones included until they are swept). */
  get size() {
    if (this.#cache === null) return 0;
    return verifierCore.call(() => this.#live().size());
  }
}
