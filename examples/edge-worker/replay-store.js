// The replay store of the edge worker: a Durable Object that records each grant's (iss, jti)
// once (R29), and the ReplayStore adapter the token endpoint calls it through.
//
// Why a Durable Object: a Worker runs in many isolates in many locations at once, and
// idjag's default MemoryReplayStore lives in one isolate's memory, so a grant redeemed in
// one isolate would be accepted again in another. A Durable Object with a given name is one
// single instance worldwide; every isolate that asks it about the same key reaches the same
// storage, and it answers one request at a time for a key (see consume below).
//
// The ReplayStore interface (pkg/index.d.ts), all a store has to implement:
//
//   consume(key: string, expiresAt: number, nowSec?: number): boolean | Promise<boolean>
//     true   first sighting of `key`: recorded until expiresAt (epoch seconds, like every
//            time in idjag's API; nowSec is the verification time)
//     false  `key` is recorded and not yet expired: a replay, the grant is refused
//     throw  the store cannot tell: the grant is refused (ERR_REPLAY, fail closed)
//
// `key` is the verifier's `<b64url(sha256(iss))[..22]>.<b64url(sha256(jti))>`: fixed-size
// hashes, never a raw jti or a token.
import { DurableObject } from 'cloudflare:workers';
import { IdJagError } from 'idjag/server';

const REPLAY_KEY = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DEFAULT_SHARDS = 16;
const DEFAULT_TIMEOUT_SEC = 2;
// Storage keys: `k:<replay key>` → deadline (epoch ms); `x:<deadline, 15 digits>:<replay key>`
// → 1, an index in deadline order so the alarm deletes expired records without a full scan.
const RECORD = 'k:';
const INDEX = 'x:';
const SWEEP_BATCH = 512;

const replayError = (message, cause) => new IdJagError('ERR_REPLAY', message, { oauthError: 'invalid_grant', cause });
const pad = (ms) => String(ms).padStart(15, '0');

/**
 * The Durable Object class. Bind it in wrangler.toml (`[[durable_objects.bindings]]`) or the
 * workerd config (`durableObjectNamespaces`), and export it from the worker's main module.
 */
export class ReplayDurableObject extends DurableObject {
  /**
   * R29: records `key` until `deadlineMs` (this object's clock) unless it is already recorded
   * and unexpired. RPC method, called by DurableObjectReplayStore.
   *
   * Atomic without a transaction: while a storage operation of a Durable Object is in flight,
   * its input gate holds back every other event for it, and nothing here awaits anything but
   * storage; so no second consume of the same key can run between the get and the put.
   * @param {string} key
   * @param {number} deadlineMs
   * @returns {Promise<boolean>}
   */
  async consume(key, deadlineMs) {
    if (typeof key !== 'string' || !REPLAY_KEY.test(key)) throw new TypeError('key must be a replay key of the verifier');
    if (!Number.isSafeInteger(deadlineMs) || deadlineMs <= 0) throw new TypeError('deadlineMs must be a positive integer');
    const storage = this.ctx.storage;
    const now = Date.now();
    const seen = await storage.get(RECORD + key);
    if (typeof seen === 'number' && seen > now) return false;
    // One put of both entries: written together or not at all.
    await storage.put({ [RECORD + key]: deadlineMs, [`${INDEX}${pad(deadlineMs)}:${key}`]: 1 });
    // The alarm deletes records once they expire, so storage holds only live grants.
    const alarm = await storage.getAlarm();
    if (alarm === null || alarm > deadlineMs) await storage.setAlarm(deadlineMs);
    return true;
  }

  /** How many grants are recorded (expired ones until the alarm deletes them): for monitoring. */
  async size() {
    let n = 0;
    let start;
    for (;;) {
      const page = await this.ctx.storage.list({ prefix: RECORD, limit: SWEEP_BATCH, ...(start ? { startAfter: start } : {}) });
      n += page.size;
      if (page.size < SWEEP_BATCH) return n;
      start = [...page.keys()].at(-1);
    }
  }

  /** Deletes expired records (in deadline order), then sets the alarm for the next one. */
  async alarm() {
    const storage = this.ctx.storage;
    const now = Date.now();
    for (;;) {
      const due = await storage.list({ prefix: INDEX, end: `${INDEX}${pad(now + 1)}`, limit: SWEEP_BATCH });
      if (due.size === 0) break;
      const indexKeys = [...due.keys()];
      const recordKeys = indexKeys.map((k) => RECORD + k.slice(INDEX.length + 16));
      const records = await storage.get(recordKeys);
      // A key consumed again after it expired has a newer deadline: keep that record.
      const expired = recordKeys.filter((k) => !(records.get(k) > now));
      await storage.delete([...indexKeys, ...expired]);
      if (due.size < SWEEP_BATCH) break;
    }
    const next = await storage.list({ prefix: INDEX, limit: 1 });
    for (const k of next.keys()) await storage.setAlarm(Number(k.slice(INDEX.length, INDEX.length + 15)));
  }
}

/**
 * A ReplayStore that records grants in ReplayDurableObject instances, shared by every isolate
 * and location of the worker. Keys are spread over `shards` objects by their jti hash, so no
 * single object carries all the traffic.
 *
 * Fails closed: an error of the Durable Object, an unexpected answer or no answer within
 * `timeoutSec` refuses the grant (ERR_REPLAY). A call that timed out may still complete later:
 * the grant is then used up, never accepted twice.
 *
 * Changing `shards` moves keys to other objects: grants redeemed in the last few minutes
 * (their lifetime, at most 300 s + the clock tolerance) could be redeemed once more. Change
 * it together with a rotation of the IdP trust, or not at all.
 */
export class DurableObjectReplayStore {
  #namespace;
  #shards;
  #timeoutMs;

  /**
   * @param {{ namespace: DurableObjectNamespace, shards?: number, timeoutSec?: number }} options
   */
  constructor(options) {
    const { namespace, shards = DEFAULT_SHARDS, timeoutSec = DEFAULT_TIMEOUT_SEC } = options ?? {};
    if (namespace === null || typeof namespace !== 'object' || typeof namespace.idFromName !== 'function') {
      throw new IdJagError('ERR_CONFIG', 'namespace must be the Durable Object namespace binding of ReplayDurableObject');
    }
    if (!Number.isSafeInteger(shards) || shards < 1 || shards > 4096) throw new IdJagError('ERR_CONFIG', 'shards must be an integer from 1 to 4096');
    if (typeof timeoutSec !== 'number' || !(timeoutSec >= 0.001) || !Number.isFinite(timeoutSec)) throw new IdJagError('ERR_CONFIG', 'options.timeoutSec must be a positive number of seconds');
    this.#namespace = namespace;
    this.#shards = shards;
    this.#timeoutMs = Math.round(timeoutSec * 1000);
  }

  /**
   * @param {string} key the verifier's replay key
   * @param {number} expiresAt epoch seconds
   * @param {number} [nowSec] the verification time the verifier used (epoch seconds); default the wall clock
   * @returns {Promise<boolean>}
   */
  async consume(key, expiresAt, nowSec = Date.now() / 1000) {
    const m = typeof key === 'string' ? REPLAY_KEY.exec(key) : null;
    if (m === null) throw new TypeError('key must be a replay key of the verifier');
    if (!Number.isFinite(expiresAt) || !Number.isFinite(nowSec)) throw new TypeError('expiresAt and nowSec must be finite numbers (epoch seconds)');
    // The Durable Object keeps wall-clock deadlines in ms (its alarms' unit).
    const expiresAtMs = expiresAt * 1000;
    const nowMs = nowSec * 1000;
    // As RedisReplayStore: the record outlives the grant on both readings of "now" (the
    // verification time and the wall clock), expressed as a deadline on the wall clock.
    const ttlMs = Math.ceil(Math.max(expiresAtMs - nowMs, expiresAtMs - Date.now()));
    if (!(ttlMs > 0)) throw replayError('replay record already expired; grant refused');
    const deadlineMs = Date.now() + ttlMs;
    if (!Number.isSafeInteger(deadlineMs)) throw new TypeError('expiresAt is too far in the future');

    const ns = this.#namespace;
    const stub = ns.get(ns.idFromName(`idjag-replay-${this.#shardOf(m[2])}`));
    let answer;
    try {
      answer = await this.#withTimeout(stub.consume(key, deadlineMs));
    } catch (e) {
      if (e instanceof IdJagError) throw e;
      throw replayError('the replay durable object failed', e);
    }
    if (typeof answer !== 'boolean') throw replayError('unexpected answer from the replay durable object');
    return answer;
  }

  // The first 24 bits of the jti hash (already uniform) pick the shard.
  #shardOf(jtiHash) {
    let n = 0;
    for (const c of jtiHash.slice(0, 4)) n = n * 64 + B64URL.indexOf(c);
    return n % this.#shards;
  }

  #withTimeout(promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(replayError(`the replay durable object did not answer within ${this.#timeoutMs / 1000} s`)), this.#timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
