// Replay protection across instances (R29): N separate Node processes, each with its own HTTP
// token endpoint and its own Redis client (half node-redis, half ioredis), share one real
// redis-server through RedisReplayStore. Every round one fresh grant is sent to all N
// endpoints at once; each instance holds the request until all N have arrived, then all N
// verify together. Exactly one may answer 200, every round; the others invalid_grant.
//
//   node --test tests/js/redis-race.test.mjs      (needs redis-server: scripts/setup.sh)

import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { TestIssuer } from 'idjag/testing';
import { startRedis } from '../redis/server.mjs';

const PROCESSES = 8;
const ROUNDS = 50;
const AS = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT_ID = 'race-client';
const CLIENT_SECRET = 'race-client-secret-0123456789';
const WORKER = fileURLToPath(new URL('../redis/race-worker.mjs', import.meta.url));

let redis;
let admin;
const workers = []; // { child, port, pid, clientLib }
let arrivals = 0;
let onArrival = () => {};

before(async () => {
  redis = await startRedis();
  admin = await createClient({ url: redis.url }).on('error', () => {}).connect();
});

after(async () => {
  await Promise.allSettled(
    workers.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      if (child.connected) child.send({ type: 'stop' });
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }),
  );
  await admin?.close();
  await redis?.stop();
});

async function startWorker(i, idp) {
  const clientLib = i % 2 === 0 ? 'node-redis' : 'ioredis';
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('message', (m) => {
    if (m.type === 'arrived') {
      arrivals++;
      onArrival();
    }
  });
  child.send({
    type: 'config',
    redisUrl: redis.url,
    clientLib,
    audience: AS,
    resource: RES,
    issuer: idp.issuer,
    jwks: idp.jwks(),
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  });
  const [m] = await once(child, 'message');
  assert.equal(m.type, 'ready', m.message);
  const w = { child, port: m.port, pid: m.pid, clientLib };
  workers.push(w);
  return w;
}

// Resolves once `n` requests are held by the workers (counted from the last reset).
function arrived(n) {
  return new Promise((resolve) => {
    onArrival = () => {
      if (arrivals >= n) resolve();
    };
    onArrival();
  });
}

function shuffled(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function redeem(port, assertion) {
  const res = await fetch(`http://127.0.0.1:${port}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
  return { status: res.status, body: await res.json() };
}

test(`${PROCESSES} processes race to redeem each of ${ROUNDS} grants: exactly one wins every round`, async (t) => {
  const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
  await Promise.all(Array.from({ length: PROCESSES }, (_, i) => startWorker(i, idp)));
  assert.equal(new Set(workers.map((w) => w.pid)).size, PROCESSES, 'separate processes');
  assert.ok(!workers.some((w) => w.pid === process.pid));

  let attempts = 0;
  let winners = 0;
  let refusals = 0;
  const winsByWorker = new Map(workers.map((w) => [w.pid, 0]));
  const winnersPerRound = [];

  for (let round = 0; round < ROUNDS; round++) {
    const assertion = idp.mint({ audience: AS, clientId: CLIENT_ID, resource: RES, scope: 'files:read' });
    arrivals = 0;
    const held = arrived(PROCESSES);
    const responses = Promise.all(workers.map((w) => redeem(w.port, assertion).then((r) => ({ ...r, pid: w.pid }))));
    await held; // every instance holds this round's request
    for (const w of shuffled(workers)) w.child.send({ type: 'go' }); // no instance starts first every round
    const results = await responses;
    attempts += results.length;

    const won = results.filter((r) => r.status === 200);
    const lost = results.filter((r) => r.status !== 200);
    winnersPerRound.push(won.length);
    winners += won.length;
    refusals += lost.length;
    for (const r of won) {
      assert.equal(r.body.token_type, 'Bearer');
      assert.ok(typeof r.body.access_token === 'string' && r.body.access_token.length > 0);
      winsByWorker.set(r.pid, winsByWorker.get(r.pid) + 1);
    }
    for (const r of lost) assert.deepEqual([r.status, r.body.error], [400, 'invalid_grant'], `round ${round}`);
  }

  const keys = await admin.keys('idjag:jti:*');
  const byLib = (lib) => workers.filter((w) => w.clientLib === lib).length;
  const line =
    `processes=${PROCESSES} (node-redis=${byLib('node-redis')} ioredis=${byLib('ioredis')}) rounds=${ROUNDS} ` +
    `attempts=${attempts} winners=${winners} refused=${refusals} redisKeys=${keys.length} ` +
    `winsByProcess=[${[...winsByWorker.values()].join(',')}]`;
  t.diagnostic(line);

  assert.deepEqual(winnersPerRound, Array(ROUNDS).fill(1), 'exactly one 200 in every round');
  assert.equal(attempts, PROCESSES * ROUNDS);
  assert.equal(winners, ROUNDS);
  assert.equal(refusals, (PROCESSES - 1) * ROUNDS);
  assert.equal(keys.length, ROUNDS, 'one replay record per grant');
});
