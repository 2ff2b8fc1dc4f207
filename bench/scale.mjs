// The token endpoint in 1 and 2 processes sharing one real Redis (RedisReplayStore), issue 14:
// throughput, and replay staying exactly-once under that load.
//
//   node bench/scale.mjs --out scale.json [--requests 600] [--pairs 300] [--concurrency 16]
//
// A private redis-server on a loopback port (tests/redis/server.mjs). For 1 and then 2 idjag
// endpoint processes (bench/endpoint-server.mjs with config.redisUrl):
//   throughput: --requests fresh grants from k keep-alive clients spread over the processes;
//   exactly-once: --pairs grants, each sent twice at the same moment, to different processes
//   when there are two; every grant must get exactly one 200 (and one 400 invalid_grant).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '../tests/redis/server.mjs';
import { AUD, CLIENT, verifierOptions } from './scenario.mjs';
import { load, mintMany, post, startServer } from './endpoint-lib.mjs';
import { log, quantile, round3 } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    alg: { type: 'string', default: 'ES256' },
    concurrency: { type: 'string', default: '16' },
    requests: { type: 'string', default: '600' },
    pairs: { type: 'string', default: '300' },
  },
});
const ALG = args.alg;
const K = Number(args.concurrency);
const M = Number(args.requests);
const PAIRS = Number(args.pairs);

const dir = mkdtempSync(join(tmpdir(), 'idjag-scale-'));
const secret = randomBytes(24).toString('base64url');
const redis = await startRedis();
const children = [];
try {
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({
    grants: verifierOptions({ replay: 'single-use' }),
    issuer: AUD,
    clients: [{ clientId: CLIENT, clientSecret: secret }],
    redisUrl: redis.url,
  }));
  const servers = [];
  for (let i = 0; i < 2; i++) {
    const s = await startServer('idjag', configPath);
    children.push(s.child);
    if (!s.port) throw new Error(`idjag server: ${s.pending ?? 'no port'}`);
    servers.push(s.port);
  }
  // Warm both up.
  for (const port of servers) await load(port, await mintMany(100, ALG, secret), 4);

  const result = {
    method: `${ALG} grants, RedisReplayStore (node-redis) on one private redis-server on loopback, ${K} keep-alive clients `
      + `spread over the processes; throughput: ${M} fresh grants; exactly-once: ${PAIRS} grants each sent twice at once `
      + '(to both processes when there are two), counting 200s per grant',
    concurrency: K,
    processes: {},
  };
  for (const n of [1, 2]) {
    const ports = servers.slice(0, n);
    const run = await load(ports, await mintMany(M, ALG, secret), K);
    // Exactly-once: both copies of a grant in flight at the same time.
    const bodies = await mintMany(PAIRS, ALG, secret);
    const agents = [new Agent({ keepAlive: true, maxSockets: K }), new Agent({ keepAlive: true, maxSockets: K })];
    const perGrant = new Array(PAIRS).fill(0);
    let otherAnswers = 0;
    let next = 0;
    await Promise.all(Array.from({ length: Math.max(1, K / 2) }, async () => {
      while (next < PAIRS) {
        const i = next++;
        const answers = await Promise.all([0, 1].map((c) => post(agents[c], ports[c % n], bodies[i])));
        for (const a of answers) {
          if (a.status === 200) perGrant[i] += 1;
          else if (!(a.status === 400 && JSON.parse(a.body).error === 'invalid_grant')) otherAnswers += 1;
        }
      }
    }));
    for (const a of agents) a.destroy();
    const exactlyOnce = perGrant.filter((c) => c === 1).length;
    result.processes[n] = {
      requestsPerSec: round3(M / run.seconds),
      p50Ms: round3(quantile(run.latencies, 0.5)),
      p99Ms: round3(quantile(run.latencies, 0.99)),
      errors: run.errors,
      pairs: PAIRS,
      exactlyOnce,
      twice: perGrant.filter((c) => c > 1).length,
      never: perGrant.filter((c) => c === 0).length,
      otherAnswers,
    };
    const r = result.processes[n];
    log(`  scale ${n} process${n > 1 ? 'es' : ''}: ${r.requestsPerSec} req/s, p99 ${r.p99Ms} ms, ${r.errors} errors; exactly once ${r.exactlyOnce}/${PAIRS} (twice ${r.twice}, never ${r.never}, other ${r.otherAnswers})`);
  }
  result.scaling = round3(result.processes[2].requestsPerSec / result.processes[1].requestsPerSec);
  result.replayExactlyOnce = Object.values(result.processes).every((r) => r.exactlyOnce === r.pairs && r.otherAnswers === 0 && r.errors === 0);
  const text = JSON.stringify(result, null, 2);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(`${text}\n`);
} finally {
  for (const c of children) c.stdin.end();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
