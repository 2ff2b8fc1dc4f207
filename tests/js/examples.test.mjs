// The README's server example is a real program: run it and check what it printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

test('examples/server-quickstart.mjs redeems a grant once, narrowed by policy, and refuses the replay', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['examples/server-quickstart.mjs'], { timeout: 30000 });
  assert.match(stdout, /token response 200/);
  assert.match(stdout, /scopes: \[ 'files\.read' \]/);
  assert.match(stdout, /the same grant again 400 \{ error: 'invalid_grant'/);
  const events = stdout.split('\n').filter((l) => l.startsWith('audit ')).map((l) => JSON.parse(l.slice(6)));
  assert.deepEqual(events.map((e) => e['event.outcome']), ['success', 'failure']);
  assert.equal(events[1]['error.type'], 'ERR_REPLAY');
});
