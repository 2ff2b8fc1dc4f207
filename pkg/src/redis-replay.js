// RedisReplayStore: a ReplayStore shared by every instance that talks to one Redis, so a
// grant redeemed at one instance is a replay at all the others (the core's replay verdict,
// src/grant/replay.rs, is only as good as a store that never answers "first use" twice). One
// atomic command per grant, `SET <key> 1 NX PXAT <deadline>`: Redis decides who was first;
// nobody reads then writes.
//
// The store imports no Redis library: the caller passes a connected client (node-redis ≥ 5,
// `redis` on npm, or ioredis ≥ 5; both optional peer dependencies), so the package stays free
// of Node-only dependencies for browsers and edge runtimes.
import { replayError } from './errors.js';
import { checkOptions, systemClock } from './options.js';

// The verifier's replay key (src/grant/replay.rs): `b64url(sha256(iss))[..22] "." b64url(sha256(jti))`.
// Anything else is refused, so that Redis only ever holds fixed-size hashes (never a raw,
// attacker-chosen jti of any length, nor a token) and the issuer part is there to namespace by.
const REPLAY_KEY = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/;
const DEFAULT_PREFIX = 'idjag:jti:';
const DEFAULT_TIMEOUT_SEC = 2;
const MAX_PREFIX_LENGTH = 256;

export class RedisReplayStore {
  #set; // (redisKey, deadlineMs) => Promise<reply>
  #prefix;
  #timeoutMs;

  /**
   * @param {{ client: object, prefix?: string, timeoutSec?: number }} options
   */
  constructor(options) {
    checkOptions(options, 'options', 'RedisReplayStore', {
      'client!': Object.assign((v) => v !== null && typeof v === 'object' && typeof v.set === 'function', {
        what: 'a connected node-redis or ioredis client',
      }),
      prefix: Object.assign((v) => typeof v === 'string' && v.length <= MAX_PREFIX_LENGTH, {
        what: `a string of at most ${MAX_PREFIX_LENGTH} characters`,
      }),
      // At least 1 ms, and a whole number of ms for the timer.
      timeoutSec: Object.assign((v) => typeof v === 'number' && Number.isSafeInteger(Math.round(v * 1000)) && v >= 0.001, {
        what: 'a positive number of seconds (at least 0.001)',
      }),
    });
    const { client, prefix = DEFAULT_PREFIX, timeoutSec = DEFAULT_TIMEOUT_SEC } = options;
    this.#set = setNxPxat(client);
    this.#prefix = prefix;
    this.#timeoutMs = Math.round(timeoutSec * 1000);
  }

  /**
   * Records `key` until `expiresAt`. True on first sighting, false when already recorded.
   * Throws (the verifier then refuses with ERR_REPLAY) when Redis fails, answers something
   * unexpected or does not answer within `timeoutSec`.
   * @param {string} key the verifier's replay key
   * @param {number} expiresAt epoch seconds
   * @param {number} [nowSec] the verification time (the verifier's `now`, epoch seconds); default the wall clock
   * @returns {Promise<boolean>}
   */
  async consume(key, expiresAt, nowSec = systemClock()) {
    const m = typeof key === 'string' ? REPLAY_KEY.exec(key) : null;
    if (m === null) throw new TypeError('key must be a replay key of the verifier');
    if (!Number.isFinite(expiresAt) || !Number.isFinite(nowSec)) throw new TypeError('expiresAt and nowSec must be finite numbers (epoch seconds)');
    // Redis's PXAT is in milliseconds; idjag's API is in seconds.
    const expiresAtMs = expiresAt * 1000;
    const nowMs = nowSec * 1000;
    // The record must outlive the grant on both readings of "now": the verification time
    // (ctx.now, which may lie in the past in tests or re-verification) and the wall clock. The
    // deadline sent as PXAT is the wall clock plus the longer remaining lifetime, so a ctx.now
    // in the past never produces a deadline Redis considers over (it would answer OK and keep
    // nothing). PXAT is read on Redis's clock: keep the hosts NTP-synchronised.
    const ttlMs = Math.ceil(Math.max(expiresAtMs - nowMs, expiresAtMs - Date.now()));
    // The verifier never asks this (it refuses expired grants first); refuse rather than
    // write a key Redis would not keep.
    if (!(ttlMs > 0)) throw replayError('replay record already expired; grant refused');
    if (!Number.isSafeInteger(ttlMs)) throw new TypeError('expiresAt is too far in the future');

    // Namespaced by issuer (the first part of the key): `<prefix><issuer hash>:<jti hash>`.
    const deadlineMs = Date.now() + ttlMs;
    const reply = await this.#withTimeout(this.#set(`${this.#prefix}${m[1]}:${m[2]}`, deadlineMs));
    if (reply === null) return false; // NX: the key exists, the grant was already redeemed
    if (isOk(reply)) return true;
    throw replayError('unexpected reply from redis');
  }

  // A client that cannot reach Redis may queue the command until it reconnects (node-redis's
  // offline queue, ioredis's retries); the token request must not hang on it. A command that
  // times out may still run later: the grant is then burned, never accepted twice.
  #withTimeout(promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(replayError(`redis did not answer within ${this.#timeoutMs / 1000} s`)), this.#timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

// Picks the call shape of the client. ioredis (Redis, Cluster) has the generic `call` and takes
// SET's arguments as they go on the wire; node-redis (createClient, createCluster,
// createSentinel) has no `call` and takes an options object.
function setNxPxat(client) {
  if (typeof client.call === 'function') {
    return (key, deadlineMs) => client.set(key, '1', 'NX', 'PXAT', deadlineMs);
  }
  // node-redis ≥ 5 reads `expiration`/`condition` and ignores the deprecated PXAT/NX members
  // when they are present; node-redis 4 reads only PXAT/NX. Passing both keeps the NX on
  // either, so an older client can never turn this into a plain SET that always answers OK.
  return (key, deadlineMs) =>
    client.set(key, '1', { expiration: { type: 'PXAT', value: deadlineMs }, condition: 'NX', PXAT: deadlineMs, NX: true });
}

// SET answers the simple string OK; a client mapping simple strings to bytes gives a Buffer.
function isOk(reply) {
  if (reply === 'OK') return true;
  return reply instanceof Uint8Array && reply.length === 2 && reply[0] === 0x4f && reply[1] === 0x4b;
}
