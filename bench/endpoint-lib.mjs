// Shared by the token-endpoint runs (endpoint.mjs, scale.mjs): start an endpoint server process
// (endpoint-server.mjs), build jwt-bearer request bodies, send them from k keep-alive clients.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_DIR, CLIENT, REQUEST_SCOPE, RES, mintGrant } from './scenario.mjs';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Starts `node endpoint-server.mjs <side> <configPath>`; resolves with its first line
 * ({ port } or { pending }) and `child`. Its stdin closing ends it.
 */
export async function startServer(side, configPath) {
  // BENCH_SERVER_FLAGS: node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (profiling).
  const flags = (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, join(BENCH_DIR, 'endpoint-server.mjs'), side, configPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`${side} server exited (${code})`); }),
  ]);
  return { ...JSON.parse(first), child };
}

export const form = (assertion, secret) => new URLSearchParams({
  grant_type: JWT_BEARER, client_id: CLIENT, client_secret: secret, assertion, scope: REQUEST_SCOPE, resource: RES,
}).toString();

/** n request bodies, each with its own grant (iat = now). */
export async function mintMany(n, alg, secret) {
  const iat = Math.floor(Date.now() / 1000);
  const out = [];
  for (let i = 0; i < n; i++) out.push(form(await mintGrant(alg, { iat }), secret));
  return out;
}

export function post(agent, port, body) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = httpRequest({
      host: '127.0.0.1', port, path: '/token', method: 'POST', agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * k clients send `bodies` back to back; client i talks to ports[i % ports.length]. Returns the
 * latencies, the non-200 count, the elapsed time.
 */
export async function load(ports, bodies, k) {
  const list = Array.isArray(ports) ? ports : [ports];
  const agents = list.map(() => new Agent({ keepAlive: true, maxSockets: k }));
  const latencies = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: k }, async (_, i) => {
    const p = i % list.length;
    while (next < bodies.length) {
      const r = await post(agents[p], list[p], bodies[next++]);
      latencies.push(r.ms);
      if (r.status !== 200) errors++;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const a of agents) a.destroy();
  return { latencies, errors, seconds };
}
