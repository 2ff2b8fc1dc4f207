// tests/vectors/grants.json against the package as a CommonJS consumer loads it
// (`require('idjag')` -> pkg/dist/idjag.cjs, no require(esm) needed).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const assert = require('node:assert/strict');
const test = require('node:test');
const idjag = require('idjag');

const vectors = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'grants.json'), 'utf8'));

test('cjs: require(idjag) is the CommonJS build', () => {
  assert.match(require.resolve('idjag'), /dist[\\/]idjag\.cjs$/);
  assert.equal(typeof idjag.IdJagVerifier, 'function');
});

test('cjs vectors', async (t) => {
  // The shared runner is ESM; a dynamic import works from CommonJS on every Node version.
  const { vectorTasks } = await import('./lib/vectors.js');
  let checked = 0;
  for (const task of vectorTasks(idjag, vectors)) {
    await t.test(`cjs ${task.name}`, async () => {
      const r = await task.run();
      checked += r.checked;
      assert.deepEqual(r.failures, []);
    });
  }
  assert.ok(checked > 0, 'no vector step was checked');
  t.diagnostic(`cjs: ${checked} vector steps checked`);
});
