// The toolchain matrix (issue 13): in a fresh project that installs the packed tarball, each
// toolchain builds an app that verifies jose-minted grants with the bundled IdJagVerifier, and
// the product runs where it would run (Chromium, workerd, Node, Deno, Bun, `next start`).
// Cases: ./cases.mjs; machinery: ./lib/harness.mjs; fixture apps: ./fixtures/.
//
//   node --test tests/toolchains/                        (make test-toolchains; needs `make build`)
//   IDJAG_TOOLCHAINS=vite,next node --test tests/toolchains/    some cases only (ids, comma-separated)
//
// Sequential on purpose (2 cores); builds are niced. The projects stay in tests/toolchains/work/
// (git-ignored) for a post-mortem, with the matrix of the last run in work/matrix.md.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

// The toolchains live in tests/toolchains/node_modules (scripts/setup.sh installs them): say so
// plainly rather than fail on the harness's first import.
if (!existsSync(new URL('./node_modules/jose/package.json', import.meta.url))) {
  throw new Error('tests/toolchains/node_modules is not installed: run `make setup` (scripts/setup.sh, step 3b)');
}
const { cases } = await import('./cases.mjs');
const {
  assertResult, build, closeBrowser, createProject, mintFixture, packOnce, runners, stopServers, workRoot,
} = await import('./lib/harness.mjs');

// The packed package decides which known failures still apply (cases.mjs, `xfail.if`).
const { packageJson } = await packOnce();
const expectedFailure = (x) => (x && (x.if === undefined || x.if(packageJson)) ? x : undefined);

const only = process.env.IDJAG_TOOLCHAINS ? new Set(process.env.IDJAG_TOOLCHAINS.split(',').map((s) => s.trim())) : null;
if (only) {
  const known = new Set(cases.map((c) => c.id));
  for (const id of only) assert.ok(known.has(id), `IDJAG_TOOLCHAINS: no case ${id} (known: ${[...known].join(', ')})`);
}

const fixture = await mintFixture();
const rows = []; // the matrix: { id, toolchain, expected, outcome, buildMs, runMs, note }
const started = Date.now();
const secs = (ms) => (ms === undefined ? '' : (ms / 1000).toFixed(1));
// The line of a failure that says most: a tool's error line, the page's error, else the first.
const firstLine = (e) => {
  const lines = String(e?.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean);
  const strong = (l) => /✘ \[ERROR\]|^ERROR|Error:|pageerror|^http 4\d\d/.test(l);
  const telling = lines.find((l) => strong(l) && !l.endsWith(':')) ?? lines.find(strong)
    ?? lines.find((l) => /exited|answered/.test(l) && !/^build step/.test(l));
  return (telling ?? lines[0] ?? '').slice(0, 200);
};

after(async () => {
  await stopServers();
  await closeBrowser();
  const lines = [
    '| case | toolchain | expected | outcome | build s | run s | note |',
    '|---|---|---|---|---:|---:|---|',
    ...rows.map((r) => `| ${r.id} | ${r.toolchain.replaceAll('|', '\\|')} | ${r.expected} | ${r.outcome} | ${secs(r.buildMs)} | ${secs(r.runMs)} | ${r.note.replaceAll('|', '\\|')} |`),
  ];
  const total = `total ${secs(Date.now() - started)} s for ${rows.length} runs`;
  writeFileSync(join(workRoot, 'matrix.md'), `${lines.join('\n')}\n\n${total}\n`);
  console.log(`toolchain matrix (${join('tests/toolchains/work/matrix.md')}):\n${lines.join('\n')}\n${total}`);
});

for (const kase of cases) {
  if (only && !only.has(kase.id)) continue;
  let built; // one project and one build per case, shared by its runs
  const ensureBuilt = () => {
    built ??= (async () => {
      const t0 = Date.now();
      const dir = await createProject(kase, fixture);
      try {
        await build(kase, dir);
        return { dir, ms: Date.now() - t0 };
      } catch (error) {
        return { dir, ms: Date.now() - t0, error };
      }
    })();
    return built;
  };
  kase.runs.forEach((spec, i) => {
    const id = kase.runs.length > 1 ? `${kase.id}/${spec.id}` : kase.id;
    const xfail = expectedFailure(spec.xfail ?? kase.xfail);
    const last = i === kase.runs.length - 1;
    test(`${id}: ${kase.toolchain}${xfail ? ' [expected to fail]' : ''}`, { timeout: 420_000 }, async (t) => {
      const b = await ensureBuilt();
      const t0 = Date.now();
      let error;
      try {
        if (b.error) throw b.error;
        assertResult(await runners[spec.runner](kase, spec, b.dir), fixture);
      } catch (e) {
        error = e;
      } finally {
        if (last) await stopServers();
      }
      const row = {
        id, toolchain: kase.toolchain, expected: xfail ? 'fail' : 'pass',
        buildMs: i === 0 ? b.ms : undefined, runMs: b.error ? undefined : Date.now() - t0,
      };
      rows.push(row);
      if (!xfail) {
        Object.assign(row, { outcome: error ? 'FAIL' : 'pass', note: error ? firstLine(error) : '' });
        if (error) throw error;
        return;
      }
      if (!error) {
        Object.assign(row, { outcome: 'XPASS', note: `passes now: drop its xfail (${xfail.reason})` });
        assert.fail(`XPASS: ${id} passes now; remove its xfail in tests/toolchains/cases.mjs ("${xfail.reason}")`);
      }
      if (!xfail.match.test(String(error.message))) {
        Object.assign(row, { outcome: 'FAIL', note: `not the expected failure: ${firstLine(error)}` });
        throw new Error(`${id} was expected to fail (${xfail.reason}) but failed otherwise:\n${error.message}`);
      }
      Object.assign(row, { outcome: 'xfail', note: `${xfail.reason} — ${firstLine(error)}` });
      t.diagnostic(`expected failure: ${xfail.reason}\n${error.message}`);
    });
  });
}
