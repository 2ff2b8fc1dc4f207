// Starts a private, throw-away redis-server for a test: loopback only, a free port, its own
// temporary directory, nothing persisted (`--save '' --appendonly no`). `stop()` ends it and
// removes the directory. scripts/setup.sh installs redis-server (apt) when it is missing.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;

/** @returns {Promise<{ port: number, url: string, pid: number, stop(): Promise<void> }>} */
export async function startRedis() {
  // Another process may take the port between our probe and redis-server's bind: retry then.
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'idjag-redis-'));
    try {
      return await launch(await freePort(), dir);
    } catch (e) {
      lastError = e;
      await rm(dir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function launch(port, dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let settled = false;
    const exited = new Promise((res) => child.once('exit', res));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    };
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port}: ${why}\n${out.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail('not ready in time'), START_TIMEOUT_MS);
    child.once('error', (e) => fail(e.code === 'ENOENT' ? 'not installed (run scripts/setup.sh)' : e.message));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    const onData = (chunk) => {
      out = (out + chunk).slice(-4000);
      if (!settled && READY.test(out)) {
        settled = true;
        clearTimeout(timer);
        resolve({ port, url: `redis://127.0.0.1:${port}`, pid: child.pid, stop });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
  });
}
