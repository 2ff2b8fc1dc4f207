// One cold start, run by cold.mjs in a fresh `node` process:
//   node bench/cold-child.mjs <idjag|jose> <fixture.json>
// Times, from inside the process: the import of the library, building the verifier from the
// VerifierOptions, and the first verified grant. Prints one JSON line. The fixture (options,
// token, ctx) is read before the clock starts: it is configuration, the same for both sides.
import { readFileSync } from 'node:fs';

const [side, fixturePath] = process.argv.slice(2);
// `import:<specifier>`: only the import, timed (issue 14: idjag/server vs idjag).
if (side.startsWith('import:')) {
  const t = performance.now();
  const mod = await import(side.slice('import:'.length));
  const importMs = performance.now() - t;
  if (Object.keys(mod).length === 0) throw new Error('cold start: empty module');
  process.stdout.write(`${JSON.stringify({ importMs, totalMs: importMs })}\n`);
  process.exit(0);
}
const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));
const ctx = { clientId: fx.ctx.clientId, now: () => fx.ctx.nowSec, scope: fx.ctx.scope, resource: fx.ctx.resource };

const t0 = performance.now();
let verify;
let t1;
let t2;
if (side === 'idjag') {
  const { IdJagVerifier } = await import('idjag');
  t1 = performance.now();
  const v = new IdJagVerifier(fx.options);
  verify = (t) => v.verify(t, ctx);
  t2 = performance.now();
} else if (side === 'jose') {
  const { joseVerifier } = await import('./jose-side.mjs');
  t1 = performance.now();
  verify = joseVerifier(fx.options);
  const f = verify;
  verify = (t) => f(t, ctx);
  t2 = performance.now();
} else {
  throw new Error(`unknown side ${side}`);
}
const grant = await verify(fx.token);
const t3 = performance.now();
if (grant.subject !== fx.expectSubject) throw new Error('cold start: unexpected grant');
process.stdout.write(`${JSON.stringify({
  importMs: t1 - t0, initMs: t2 - t1, firstVerifyMs: t3 - t2, totalMs: t3 - t0, sinceProcessStartMs: t3,
})}\n`);
