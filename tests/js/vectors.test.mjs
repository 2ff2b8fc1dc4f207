// tests/vectors/grants.json against the package as an ESM consumer loads it (`import 'idjag'`).
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import test from 'node:test';
import * as idjag from 'idjag';
import { vectorTasks } from './lib/vectors.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/grants.json', import.meta.url), 'utf8'));
let checked = 0;

for (const task of vectorTasks(idjag, vectors)) {
  test(`esm ${task.name}`, async () => {
    const r = await task.run();
    checked += r.checked;
    assert.deepEqual(r.failures, []);
  });
}

test('esm: vectors checked', () => {
  assert.ok(checked > 0, 'no vector step was checked');
  console.log(`# esm: ${checked} vector steps checked`);
});
