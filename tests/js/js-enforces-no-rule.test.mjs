// The thin-shell promise (issue 12): every decision is made by the Rust core; the JS package reads
// requests, does the I/O the core asks for (fetching keys, the replay store, the clock) and writes
// responses. A rule id (docs/rules.md) cited in pkg/src or pkg/bin means JS enforces that rule, so
// none may be: where JS performs I/O for a decision, its comment names the core function or
// constant that decides instead. The scanner is tests/js/lib/rule-ids.js (the one that checks the
// rulebook defines every cited id): comments, string literals, bare-id object keys, ranges.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, citationsIn, scannedFiles } from './lib/rule-ids.js';

const DIRS = ['pkg/src', 'pkg/bin'];

// Decisions still made in JS, each listed with why, and held to this list both ways: a new
// citation fails, and so does an entry that no longer occurs (delete it once its decision moved).
// The MCP client's helpers check the IdP's token-exchange response (C1–C5, C7: status, JSON
// object, issued_token_type, the grant's shape, token_type N_A, expires_in, scope), compose the
// client metadata (C13) and refuse two client authentication methods in what they send (T1).
// Moving them needs a core function in the verifier build, which browsers load and which has no
// size left (scripts/build.sh: ≤ 202500 bytes gzipped; this change leaves it at about 202460).
const STILL_IN_JS = {
  'pkg/src/client.js': ['C1', 'C2', 'C3', 'C4', 'C5', 'C7', 'C13', 'T1'],
};
const SOURCE = /\.(js|mjs|cjs|ts|mts|cts)$/;

/** Every source file under `dir` (relative to the repository root), sorted. */
function walk(dir) {
  const out = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    const st = statSync(join(ROOT, rel));
    if (st.isDirectory()) out.push(...walk(rel));
    else if (st.isFile() && SOURCE.test(name)) out.push(rel);
  }
  return out.sort();
}

const files = DIRS.flatMap(walk);

describe('pkg/src and pkg/bin enforce no rule id', () => {
  test('the scan covers the package sources', () => {
    for (const f of ['pkg/src/verifier.js', 'pkg/src/access-token-verifier.js', 'pkg/src/token-cache.js', 'pkg/src/jwks-cache.js',
      'pkg/src/urls.js', 'pkg/src/client.js', 'pkg/src/server/token-endpoint.js', 'pkg/src/adapters/node.js', 'pkg/bin/idjag.js']) {
      assert.ok(files.includes(f), `${f} is scanned`);
    }
    // The same lexer as the rulebook check: every pkg/src file it scans is scanned here too.
    for (const f of scannedFiles().filter((p) => p.startsWith('pkg/src/') && SOURCE.test(p))) assert.ok(files.includes(f), `${f} is scanned`);
  });

  test('the scanner finds a citation where there is one (the test can fail)', () => {
    assert.deepEqual(citationsIn('// V7: exp with the tolerance\nconst x = 1;\n', 'x.js').map((c) => `${c.id}:${c.line}`), ['V7:1']);
    assert.deepEqual(citationsIn("throw violation('bad', 200, 'C1');\n", 'x.js').map((c) => c.id), ['C1']);
    assert.deepEqual([...new Set(citationsIn('// checks V2–V4\n', 'x.js').map((c) => c.id))], ['V2', 'V3', 'V4']);
    assert.deepEqual(citationsIn("const alg = 'ES256'; // x5t#S256\n", 'x.js'), []);
  });

  test('no file cites a rule id (but the listed ones still in JS)', () => {
    const found = new Set();
    const listed = new Set();
    for (const file of files) {
      for (const { id, line } of citationsIn(readFileSync(join(ROOT, file), 'utf8'), file)) {
        if (STILL_IN_JS[file]?.includes(id)) listed.add(`${file} ${id}`);
        else found.add(`${file}:${line} ${id}`);
      }
    }
    assert.deepEqual([...found], [], `JS cites (so enforces) rule ids; move the decision into the core, or name the core function that decides:\n${[...found].join('\n')}`);
    const gone = Object.entries(STILL_IN_JS).flatMap(([file, ids]) => ids.map((id) => `${file} ${id}`)).filter((k) => !listed.has(k));
    assert.deepEqual(gone, [], 'no longer cited in JS: delete them from STILL_IN_JS');
  });
});
