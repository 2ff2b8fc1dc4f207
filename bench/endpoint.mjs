// The token endpoint end to end over loopback HTTP under concurrent load: a jwt-bearer request
// with a fresh ID-JAG in, an access token out. idjag's `createTokenEndpoint` (idjag/server) vs
// the same endpoint written with jose (endpoint-jose.mjs), each in its own server process
// behind the same node:http bridge; this process is the load generator.
//
//   node bench/endpoint.mjs --out endpoint.json [--alg ES256] [--concurrency 16] [--requests 1000] [--rounds 3]
//
// Every request carries its own grant (minted in advance with jose, iat = now), so the replay
// check (R29) runs and passes on both sides. k clients with keep-alive send requests
// back-to-back; rounds alternate the two servers (A B B A A B ...). Reported per side: requests/s
// (all requests / all round time), p50 and p99 latency. Any non-200 answer is counted as an error.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AUD, CLIENT, verifierOptions } from './scenario.mjs';
import { load as loadPorts, mintMany as mintBodies, post, startServer as start } from './endpoint-lib.mjs';
import { log, quantile, round3 } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    alg: { type: 'string', default: 'ES256' },
    concurrency: { type: 'string', default: '16' },
    requests: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '300' },
  },
});
const ALG = args.alg;
const K = Number(args.concurrency);
const M = Number(args.requests);
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);

const dir = mkdtempSync(join(tmpdir(), 'idjag-endpoint-'));
const secret = randomBytes(24).toString('base64url');
const configPath = join(dir, 'config.json');
writeFileSync(configPath, JSON.stringify({
  grants: verifierOptions({ replay: 'single-use' }),
  issuer: AUD,
  clients: [{ clientId: CLIENT, clientSecret: secret }],
}));

const children = [];
async function startServer(side) {
  const { child, ...first } = await start(side, configPath);
  children.push(child);
  return first;
}
const mintMany = (n) => mintBodies(n, ALG, secret);
const load = (port, bodies) => loadPorts(port, bodies, K);

/** One grant through each endpoint: an at+jwt comes back; the same grant again is refused (R29). */
async function sanity(port) {
  const [body] = await mintMany(1);
  const a = await post(undefined, port, body);
  let ok = a.status === 200;
  if (ok) {
    const tok = JSON.parse(a.body).access_token;
    const header = JSON.parse(Buffer.from(String(tok).split('.')[0], 'base64url').toString('utf8'));
    ok = /^(application\/)?at\+jwt$/i.test(header.typ ?? '');
  }
  const b = await post(undefined, port, body);
  const replayRefused = b.status === 400 && JSON.parse(b.body).error === 'invalid_grant';
  return { accepts: ok, replayRefused };
}

try {
  const servers = { idjag: await startServer('idjag'), jose: await startServer('jose') };
  const sides = Object.keys(servers).filter((s) => servers[s].port);
  const result = {
    method: `${ALG} grants, one fresh grant per request (replay check on both sides), ${K} concurrent keep-alive `
      + `clients on loopback, ${ROUNDS} rounds × ${M} requests per side, alternating servers, after ${WARMUP} warm-up `
      + 'requests; each server in its own process behind the same node:http ↔ Request bridge (bench/http-bridge.mjs)',
    algorithm: ALG,
    concurrency: K,
    sides: {},
  };
  for (const side of Object.keys(servers)) {
    if (servers[side].pending) {
      result.sides[side] = { pending: servers[side].pending };
      log(`  endpoint ${side}: pending (${servers[side].pending})`);
    }
  }
  const acc = {};
  for (const side of sides) {
    const s = await sanity(servers[side].port);
    acc[side] = { latencies: [], errors: 0, seconds: 0, requests: 0, sanity: s };
    if (!s.accepts || !s.replayRefused) log(`  endpoint ${side}: SANITY FAILED ${JSON.stringify(s)}`);
    await load(servers[side].port, await mintMany(WARMUP));
  }
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const bodies = await mintMany(M); // minted just before use: iat = now
      const { latencies, errors, seconds } = await load(servers[side].port, bodies);
      const a = acc[side];
      a.latencies.push(...latencies);
      a.errors += errors;
      a.seconds += seconds;
      a.requests += bodies.length;
    }
  }
  for (const side of sides) {
    const a = acc[side];
    result.sides[side] = {
      requestsPerSec: round3(a.requests / a.seconds),
      p50Ms: round3(quantile(a.latencies, 0.5)),
      p99Ms: round3(quantile(a.latencies, 0.99)),
      requests: a.requests,
      errors: a.errors,
      sanity: a.sanity,
    };
    const s = result.sides[side];
    log(`  endpoint ${side}: ${s.requestsPerSec} req/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, ${s.errors} errors`);
  }
  if (result.sides.idjag?.requestsPerSec && result.sides.jose?.requestsPerSec) {
    result.throughputRatio = round3(result.sides.idjag.requestsPerSec / result.sides.jose.requestsPerSec);
    result.p99Ratio = round3(result.sides.idjag.p99Ms / result.sides.jose.p99Ms);
  }
  const text = JSON.stringify(result, null, 2);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(`${text}\n`);
} finally {
  for (const c of children) c.stdin.end();
  rmSync(dir, { recursive: true, force: true });
}
