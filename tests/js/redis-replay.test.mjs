// RedisReplayStore (pkg/src/redis-replay.js) against a real redis-server started here
// (tests/redis/server.mjs), with the real node-redis and ioredis clients: first sighting,
// replay, expiry, keys namespaced by issuer with nothing secret in them, fail closed when Redis
// is down, and a refused presentation never consumes the jti (R29).
//
//   node --test tests/js/redis-replay.test.mjs      (needs redis-server: scripts/setup.sh)

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createClient, RESP_TYPES } from 'redis';
import { Redis } from 'ioredis';
import { IdJagError, IdJagVerifier, RedisReplayStore } from 'idjag';
import { TestIssuer } from 'idjag/testing';
import { startRedis } from '../redis/server.mjs';

const nowSec = () => Date.now() / 1000; // idjag's clock: epoch seconds

const AS = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'client-1';
const KEY_FORM = /^idjag:jti:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/;

const b64url = (s) => createHash('sha256').update(s).digest('base64url');
// The verifier's replay key for (iss, jti), as src/grant/replay.rs derives it.
const replayKey = (iss, jti) => `${b64url(iss).slice(0, 22)}.${b64url(jti)}`;
const redisKey = (iss, jti, prefix = 'idjag:jti:') => `${prefix}${b64url(iss).slice(0, 22)}:${b64url(jti)}`;

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

describe('RedisReplayStore', () => {
  let redis; // the redis-server
  let admin; // node-redis client used by the tests to look inside
  let nodeRedis; // node-redis client under test
  let ioredis; // ioredis client under test
  const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
  const idp2 = new TestIssuer({ issuer: 'https://idp2.example.com' });

  const verifierWith = (replayStore) =>
    new IdJagVerifier({
      audience: AS,
      issuers: [idp, idp2].map((i) => ({ issuer: i.issuer, jwks: i.jwks() })),
      resources: [RES],
      replayStore,
    });
  const grant = (issuer = idp, extra = {}) =>
    issuer.mint({ audience: AS, clientId: CLIENT, resource: RES, scope: 'files:read files:write', ...extra });

  before(async () => {
    redis = await startRedis();
    admin = await createClient({ url: redis.url }).on('error', () => {}).connect();
    nodeRedis = await createClient({ url: redis.url }).on('error', () => {}).connect();
    ioredis = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    await ioredis.connect();
  });
  after(async () => {
    await Promise.allSettled([admin?.close(), nodeRedis?.close(), ioredis?.quit()]);
    await redis?.stop();
  });
  beforeEach(async () => {
    await admin.flushDb();
  });

  test('the test redis-server listens on loopback only and persists nothing', async () => {
    assert.deepEqual(await admin.configGet('bind'), { bind: '127.0.0.1' });
    assert.deepEqual(await admin.configGet('save'), { save: '' });
    assert.deepEqual(await admin.configGet('appendonly'), { appendonly: 'no' });
  });

  for (const [name, client] of [['node-redis', () => nodeRedis], ['ioredis', () => ioredis]]) {
    test(`${name}: first sighting true, then false; one key, value 1, TTL bounded by expiresAt`, async () => {
      const store = new RedisReplayStore({ client: client() });
      const key = replayKey('https://idp.example.com', `jti-${randomUUID()}`);
      const now = nowSec();
      assert.equal(await store.consume(key, now + 60, now), true);
      assert.equal(await store.consume(key, now + 60, now), false);
      assert.equal(await store.consume(key, now + 60), false, 'two-argument form');
      const keys = await admin.keys('*');
      assert.equal(keys.length, 1);
      assert.match(keys[0], KEY_FORM);
      assert.equal(keys[0], `idjag:jti:${key.replace('.', ':')}`);
      assert.equal(await admin.get(keys[0]), '1');
      const pttl = await admin.pTTL(keys[0]);
      assert.ok(pttl > 0 && pttl <= 60_000, `pttl ${pttl}`);
    });
  }

  test('node-redis and ioredis stores share one key space', async () => {
    const a = new RedisReplayStore({ client: nodeRedis });
    const b = new RedisReplayStore({ client: ioredis });
    const k1 = replayKey('https://idp.example.com', 'shared-1');
    const k2 = replayKey('https://idp.example.com', 'shared-2');
    const until = nowSec() + 30;
    assert.equal(await a.consume(k1, until), true);
    assert.equal(await b.consume(k1, until), false);
    assert.equal(await b.consume(k2, until), true);
    assert.equal(await a.consume(k2, until), false);
  });

  test('a client mapping simple strings to Buffers still gives true / false', async () => {
    const store = new RedisReplayStore({ client: nodeRedis.withTypeMapping({ [RESP_TYPES.SIMPLE_STRING]: Buffer }) });
    const key = replayKey('https://idp.example.com', 'buffers');
    assert.equal(await store.consume(key, nowSec() + 30), true);
    assert.equal(await store.consume(key, nowSec() + 30), false);
  });

  test('expiry is honoured: the record is gone after expiresAt and the key is fresh again', async () => {
    const store = new RedisReplayStore({ client: nodeRedis });
    const key = replayKey('https://idp.example.com', 'short-lived');
    assert.equal(await store.consume(key, nowSec() + 0.3), true);
    assert.equal(await store.consume(key, nowSec() + 0.3), false);
    const k = `idjag:jti:${key.replace('.', ':')}`;
    const pttl = await admin.pTTL(k);
    assert.ok(pttl > 0 && pttl <= 300, `pttl ${pttl}`);
    // Wait for Redis to drop it (polling, no timing assertion; the cap only guards a hang).
    for (let i = 0; i < 100 && (await admin.exists(k)) === 1; i++) await sleep(50);
    assert.equal(await admin.exists(k), 0, 'redis dropped the record');
    assert.equal(await store.consume(key, nowSec() + 30), true);
  });

  test('the TTL is the longer of the verification-time and wall-clock readings', async () => {
    const store = new RedisReplayStore({ client: ioredis });
    // ctx.now ahead of the wall clock: keep the record until expiresAt by the wall clock.
    const key = replayKey('https://idp.example.com', 'future-now');
    const now = nowSec();
    assert.equal(await store.consume(key, now + 20, now + 19), true);
    const pttl = await admin.pTTL(`idjag:jti:${key.replace('.', ':')}`);
    assert.ok(pttl > 10_000 && pttl <= 20_000, `pttl ${pttl}`);
  });

  test('expiresAt already past on both clocks: refused (ERR_REPLAY), nothing written', async () => {
    const store = new RedisReplayStore({ client: nodeRedis });
    const now = nowSec();
    const e = await rejection(store.consume(replayKey('https://idp.example.com', 'late'), now - 1, now));
    assert.ok(e instanceof IdJagError);
    assert.equal(e.code, 'ERR_REPLAY');
    assert.equal(await admin.dbSize(), 0);
  });

  test('a ctx.now in the past (fixed test clock) still records the grant: the replay is refused', async () => {
    // An absolute PXAT deadline computed from this clock would be long past for Redis, which
    // would answer OK and keep nothing: every presentation would be "fresh".
    const thenSec = nowSec() - 30 * 24 * 3600;
    const then = () => thenSec;
    const verifier = verifierWith(new RedisReplayStore({ client: nodeRedis }));
    const token = grant(idp, { now: then });
    await verifier.verify(token, { clientId: CLIENT, now: then });
    const e = await rejection(verifier.verify(token, { clientId: CLIENT, now: then }));
    assert.equal(e.code, 'ERR_REPLAY');
    const [k] = await admin.keys('*');
    const pttl = await admin.pTTL(k);
    assert.ok(pttl > 0 && pttl <= 120_000, `pttl ${pttl} (lifetime 60 s + tolerance 60 s)`);
  });

  test('through IdJagVerifier: accepted once, ERR_REPLAY at a second verifier sharing the Redis', async () => {
    const a = verifierWith(new RedisReplayStore({ client: nodeRedis }));
    const b = verifierWith(new RedisReplayStore({ client: ioredis }));
    const token = grant();
    const g = await a.verify(token, { clientId: CLIENT });
    const e = await rejection(b.verify(token, { clientId: CLIENT }));
    assert.ok(e instanceof IdJagError);
    assert.equal(e.code, 'ERR_REPLAY');
    assert.equal(e.oauthError, 'invalid_grant');
    assert.deepEqual(await admin.keys('*'), [redisKey(idp.issuer, g.jti)]);
  });

  test('keys are namespaced by issuer: the same jti from two issuers is two records', async () => {
    const verifier = verifierWith(new RedisReplayStore({ client: nodeRedis }));
    const jti = `same-${randomUUID()}`;
    await verifier.verify(grant(idp, { jti }), { clientId: CLIENT });
    await verifier.verify(grant(idp2, { jti }), { clientId: CLIENT });
    const keys = (await admin.keys('*')).sort();
    assert.deepEqual(keys, [redisKey(idp.issuer, jti), redisKey(idp2.issuer, jti)].sort());
    const [p1, p2] = keys.map((k) => k.split(':'));
    assert.notEqual(p1[2], p2[2], 'issuer parts differ');
    assert.equal(p1[3], p2[3], 'same jti hash');
    // One issuer's records can be listed by its part of the key.
    assert.deepEqual(await admin.keys(`idjag:jti:${b64url(idp2.issuer).slice(0, 22)}:*`), [redisKey(idp2.issuer, jti)]);
  });

  test('a custom prefix is prepended to every key', async () => {
    const verifier = verifierWith(new RedisReplayStore({ client: ioredis, prefix: 'tenant-a:replay:' }));
    const g = await verifier.verify(grant(), { clientId: CLIENT });
    assert.deepEqual(await admin.keys('*'), [redisKey(idp.issuer, g.jti, 'tenant-a:replay:')]);
    // A second store on another prefix keeps its own records.
    const other = verifierWith(new RedisReplayStore({ client: ioredis, prefix: 'tenant-b:replay:' }));
    const token = grant();
    await other.verify(token, { clientId: CLIENT });
    await verifier.verify(token, { clientId: CLIENT });
    assert.equal(await admin.dbSize(), 3);
  });

  test('neither the jti, the token, the issuer nor the subject is written to Redis', async () => {
    const verifier = verifierWith(new RedisReplayStore({ client: nodeRedis }));
    const jti = `secret-jti-${randomUUID()}`;
    const token = grant(idp, { jti, subject: 'alice@example.com' });
    await verifier.verify(token, { clientId: CLIENT });
    const keys = await admin.keys('*');
    assert.equal(keys.length, 1);
    const everything = keys.join('\n') + '\n' + (await Promise.all(keys.map((k) => admin.get(k)))).join('\n');
    for (const secret of [jti, token, token.split('.')[2], idp.issuer, 'alice@example.com']) {
      assert.ok(!everything.includes(secret), `redis holds ${secret.slice(0, 20)}…`);
    }
  });

  test('a refused presentation does not consume the jti (R29)', async () => {
    const verifier = verifierWith(new RedisReplayStore({ client: nodeRedis }));
    const token = grant(idp, { scope: 'files:read' });
    const wrongScope = await rejection(verifier.verify(token, { clientId: CLIENT, scope: 'files:delete' }));
    assert.equal(wrongScope.code, 'ERR_SCOPE');
    const wrongClient = await rejection(verifier.verify(token, { clientId: 'client-2' }));
    assert.equal(wrongClient.code, 'ERR_CLIENT');
    assert.equal(await admin.dbSize(), 0, 'nothing recorded for refused presentations');
    await verifier.verify(token, { clientId: CLIENT });
    assert.equal(await admin.dbSize(), 1);
    assert.equal((await rejection(verifier.verify(token, { clientId: CLIENT }))).code, 'ERR_REPLAY');
  });

  test('options are checked (ERR_CONFIG) and keys that are not replay keys are refused', async () => {
    for (const bad of [undefined, null, {}, { client: {} }, { client: nodeRedis, prefix: 7 }, { client: nodeRedis, prefix: 'x'.repeat(257) }, { client: nodeRedis, timeoutSec: 0 }, { client: nodeRedis, timeoutSec: '1' }, { client: nodeRedis, timeoutMs: 1000 }]) {
      assert.throws(() => new RedisReplayStore(bad), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG', JSON.stringify(bad));
    }
    const store = new RedisReplayStore({ client: nodeRedis });
    for (const key of ['raw-jti', 'a.b.c', 'a b.c', '', 42, null]) {
      assert.ok((await rejection(store.consume(key, nowSec() + 1))) instanceof TypeError, String(key));
    }
    assert.ok((await rejection(store.consume('a.b', Number.NaN))) instanceof TypeError);
    assert.equal(await admin.dbSize(), 0);
  });
});

describe('RedisReplayStore when Redis is down: fail closed with ERR_REPLAY', () => {
  const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
  const verifierWith = (replayStore) =>
    new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [RES], replayStore });
  const grant = () => idp.mint({ audience: AS, clientId: CLIENT, resource: RES });

  async function assertRefused(verifier, token) {
    const e = await rejection(verifier.verify(token, { clientId: CLIENT }));
    assert.ok(e instanceof IdJagError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, 'ERR_REPLAY');
    assert.equal(e.oauthError, 'invalid_grant');
    assert.ok(!e.message.includes(token) && !e.message.includes(token.split('.')[2]));
    return e;
  }

  test('the server stopped under connected node-redis and ioredis clients', async () => {
    const redis = await startRedis();
    const nr = await createClient({ url: redis.url }).on('error', () => {}).connect();
    const io = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    io.on('error', () => {});
    await io.connect();
    try {
      const viaNr = verifierWith(new RedisReplayStore({ client: nr, timeoutSec: 0.3 }));
      const viaIo = verifierWith(new RedisReplayStore({ client: io, timeoutSec: 0.3 }));
      await viaNr.verify(grant(), { clientId: CLIENT }); // works while Redis is up
      await redis.stop();
      await assertRefused(viaNr, grant());
      await assertRefused(viaIo, grant());
    } finally {
      nr.destroy();
      io.disconnect();
      await redis.stop();
    }
  });

  test('a closed client: refused at once, the cause kept for the logs', async () => {
    const redis = await startRedis();
    const nr = await createClient({ url: redis.url }).on('error', () => {}).connect();
    try {
      nr.destroy();
      const e = await assertRefused(verifierWith(new RedisReplayStore({ client: nr })), grant());
      assert.ok(e.cause instanceof Error, 'the client error is the cause');
    } finally {
      await redis.stop();
    }
  });
});
