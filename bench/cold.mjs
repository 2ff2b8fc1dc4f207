// Cold start: import + init + first verified grant, in fresh `node` processes, idjag vs jose.
//
//   node bench/cold.mjs --out cold.json [--n 15]
//
// For each algorithm, --n rounds; each round spawns one idjag child and one jose child
// (bench/cold-child.mjs; which goes first alternates). Reported per side: the median of the
// in-process time from before `import()` to the first verified grant (the target's measure),
// its parts, and the median wall time of the whole process (node's own start-up included,
// the same for both sides).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALGS, BENCH_DIR, ROOT, SUB, mintGrant, verifierOptions, verifyCtx } from './scenario.mjs';
import { log, median, round3 } from './stats.mjs';

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, n: { type: 'string', default: '15' }, algs: { type: 'string' } },
});
const N = Number(args.n);
const algs = args.algs ? args.algs.split(',') : ALGS;
const dir = mkdtempSync(join(tmpdir(), 'idjag-cold-'));
const child = join(BENCH_DIR, 'cold-child.mjs');

function once(side, fixture = '-') {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [child, side, fixture], { cwd: ROOT, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cold start ${side} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { ...JSON.parse(r.stdout), wallMs };
}

const summarise = (runs) => Object.fromEntries(
  ['totalMs', 'importMs', 'initMs', 'firstVerifyMs', 'wallMs'].map((k) => [k, round3(median(runs.map((r) => r[k])))]),
);

try {
  const ctx = verifyCtx();
  const perAlg = {};
  for (const alg of algs) {
    const fixture = join(dir, `${alg}.json`);
    writeFileSync(fixture, JSON.stringify({
      options: verifierOptions({ replay: 'reusable' }),
      token: await mintGrant(alg),
      ctx: { clientId: ctx.clientId, nowSec: ctx.now(), scope: ctx.scope, resource: ctx.resource },
      expectSubject: SUB,
    }));
    const runs = { idjag: [], jose: [] };
    for (let i = 0; i < N; i++) {
      for (const side of i % 2 === 0 ? ['idjag', 'jose'] : ['jose', 'idjag']) runs[side].push(once(side, fixture));
    }
    const a = summarise(runs.idjag);
    const b = summarise(runs.jose);
    perAlg[alg] = { idjag: a, jose: b, ratio: round3(a.totalMs / b.totalMs), wallRatio: round3(a.wallMs / b.wallMs), n: N };
    log(`  cold ${alg}: idjag ${a.totalMs} ms, jose ${b.totalMs} ms, ratio ${perAlg[alg].ratio} (process wall ${a.wallMs} vs ${b.wallMs} ms)`);
  }
  // import('idjag/server') vs import('idjag') (issue 14): fresh processes, alternating.
  const imports = { idjag: [], server: [] };
  for (let i = 0; i < N; i++) {
    for (const side of i % 2 === 0 ? ['idjag', 'server'] : ['server', 'idjag']) {
      imports[side].push(once(side === 'idjag' ? 'import:idjag' : 'import:idjag/server'));
    }
  }
  const ia = round3(median(imports.idjag.map((r) => r.importMs)));
  const ib = round3(median(imports.server.map((r) => r.importMs)));
  const serverImport = { idjagMs: ia, serverMs: ib, ratio: round3(ib / ia), n: N };
  log(`  cold import: idjag ${ia} ms, idjag/server ${ib} ms, ratio ${serverImport.ratio}`);
  const result = {
    serverImport,
    method: `median over ${N} fresh node processes per side and algorithm (alternating order); `
      + 'totalMs = import() + new verifier + first verified grant, timed inside the process; '
      + 'wallMs = spawn to exit; replay excluded on both sides',
    algorithms: perAlg,
  };
  const text = JSON.stringify(result, null, 2);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(`${text}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
