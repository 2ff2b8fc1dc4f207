// RedisReplayStore: a ReplayStore shared by every instance that talks to one Redis, so a
// grant redeemed at one instance is a replay at all the others (R29). One atomic command per
// grant, `SET <key> 1 NX PXAT <deadline>` (R29: consume atomically): Redis decides who was first;
// nobody reads then writes.
//
// The store imports no Redis library: the caller passes a connected client (node-redis ≥ 5,
// `redis` on npm, or ioredis ≥ 5; both optional peer dependencies), so the package stays free
// of Node-only dependencies for browsers and edge runtimes.
import { configError, replayError } from './errors.js';

// The verifier's replay key (src/replay.rs): `b64url(sha256(iss))[..22] "." b64url(sha256(jti))`.
// Anything else is refused, so that Redis only ever holds fixed-size hashes (never a raw,
// attacker-chosen jti of any length, nor a token) and the issuer part is there to namespace by.
const REPLAY_KEY = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/;
const DEFAULT_PREFIX = 'idjag:jti:';
const DEFAULT_TIMEOUT_MS = 2000;
const MAX_PREFIX_LENGTH = 256;

export class RedisReplayStore {
  #set; // (redisKey, deadlineMs) => Promise<reply>
  #prefix;
  #timeoutMs;

  /**
   * @param {{ client: object, prefix?: string, timeoutMs?: number }} options
   */
  constructor(options) {
    if (options === null || typeof options !== 'object') throw configError('options must be an object');
    const { client, prefix = DEFAULT_PREFIX, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
    if (client === null || typeof client !== 'object' || typeof client.set !== 'function') {
      throw configError('client must be a connected node-redis or ioredis client');
    }
    if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH) {
      throw configError(`prefix must be a string of at most ${MAX_PREFIX_LENGTH} characters`);
    }
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw configError('timeoutMs must be a positive integer');
    this.#set = setNxPxat(client);
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Records `key` until `expiresAtMs`. True on first sighting, false when already recorded.
   * Throws (the verifier then refuses with ERR_REPLAY) when Redis fails, answers something
   * unexpected or does not answer within `timeoutMs`.
   * @param {string} key the verifier's replay key
   * @param {number} expiresAtMs epoch ms
   * @param {number} [nowMs] the verification time (ctx.now); default the wall clock
   * @returns {Promise<boolean>}
   */
  async consume(key, expiresAtMs, nowMs = Date.now()) {
    const m = typeof key === 'string' ? REPLAY_KEY.exec(key) : null;
    if (m === null) throw new TypeError('key must be a replay key of the verifier');
    if (!Number.isFinite(expiresAtMs) || !Number.isFinite(nowMs)) throw new TypeError('expiresAtMs and nowMs must be finite numbers');
    // The record must outlive the grant on both readings of "now": the verification time
    // (ctx.now, which may lie in the past in tests or re-verification) and the wall clock. The
    // deadline sent as PXAT is the wall clock plus the longer remaining lifetime, so a ctx.now
    // in the past never produces a deadline Redis considers over (it would answer OK and keep
    // nothing). PXAT is read on Redis's clock: keep the hosts NTP-synchronised.
    const ttlMs = Math.ceil(Math.max(expiresAtMs - nowMs, expiresAtMs - Date.now()));
    // The verifier never asks this (it refuses expired grants first); refuse rather than
    // write a key Redis would not keep.
    if (!(ttlMs > 0)) throw replayError('replay record already expired; grant refused');
    if (!Number.isSafeInteger(ttlMs)) throw new TypeError('expiresAtMs is too far in the future');

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
      timer = setTimeout(() => reject(replayError(`redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
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
