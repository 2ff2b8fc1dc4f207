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

// The framework examples as programs (README "Node frameworks"): each redeems a grant through its
// framework (200) and is refused the replay (400 invalid_grant), with one audit event each.
for (const name of ['express', 'fastify', 'hono']) {
  test(`examples/${name}-token-endpoint.mjs redeems a grant once through ${name}`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [`examples/${name}-token-endpoint.mjs`], { timeout: 30000 });
    assert.match(stdout, new RegExp(`${name}: token response 200`));
    assert.match(stdout, new RegExp(`${name}: the same grant again 400 \\{ error: 'invalid_grant'`));
    const events = stdout.split('\n').filter((l) => l.startsWith('audit ')).map((l) => JSON.parse(l.slice(6)));
    assert.deepEqual(events.map((e) => e['event.outcome']), ['success', 'failure']);
    assert.equal(events[1]['error.type'], 'ERR_REPLAY');
  });
}

test('examples/mcp-bearer-auth.mjs: the SDK gate answers 200, and 401 invalid_token for an expired token', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['examples/mcp-bearer-auth.mjs'], { timeout: 30000 });
  assert.match(stdout, /^valid token 200$/m);
  assert.match(stdout, /^refused: ERR_EXPIRED /m);
  assert.match(stdout, /^expired token 401 Bearer error="invalid_token", error_description="the access token is not valid", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/m);
});
