// The npm package's own documentation and metadata (issue 13): the README names every export,
// package.json says where the project lives and pins no Redis client, and the changelog and
// security policy ship in the tarball.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (p) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('pkg/package.json'));
const readme = read('pkg/README.md');

test('pkg/README.md names every export of idjag, idjag/server, idjag/testing and idjag/manual', async () => {
  const names = new Set();
  for (const entry of ['idjag', 'idjag/server', 'idjag/testing', 'idjag/manual']) {
    for (const name of Object.keys(await import(entry))) if (name !== 'default') names.add(name);
  }
  assert.ok(names.size >= 20, `only ${names.size} exports found`);
  const missing = [...names].filter((n) => !new RegExp(`\\b${n}\\b`).test(readme));
  assert.deepEqual(missing, [], 'exports the npm README never mentions');
});

test('no dependency on a Redis client: RedisReplayStore is duck-typed (redis@4 / ioredis@4 apps must install)', () => {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'peerDependenciesMeta']) {
    const deps = Object.keys(pkg[field] ?? {});
    assert.deepEqual(deps.filter((d) => d === 'redis' || d === 'ioredis'), [], `${field} names a Redis client`);
  }
});

test('package.json has repository, homepage and bugs, and ships README, LICENSE, CHANGELOG.md, SECURITY.md', () => {
  assert.match(pkg.repository?.url ?? '', /^git\+https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
  assert.equal(pkg.repository?.directory, 'pkg');
  assert.match(pkg.homepage ?? '', /^https:\/\//);
  assert.match(pkg.bugs?.url ?? '', /^https:\/\/.+\/issues$/);
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', 'SECURITY.md']) {
    assert.ok(f.startsWith('README') || f === 'LICENSE' || pkg.files.includes(f), `${f} is not in "files"`);
    assert.ok(read(`pkg/${f}`).length > 100, `pkg/${f} is missing or empty`);
  }
  // The root copies are pointers, so the two can never disagree.
  assert.match(read('CHANGELOG.md'), /\(pkg\/CHANGELOG\.md\)/);
  assert.match(read('SECURITY.md'), /\(pkg\/SECURITY\.md\)/);
});

test('CHANGELOG.md follows Keep a Changelog and has an Unreleased section', () => {
  const changelog = read('pkg/CHANGELOG.md');
  assert.match(changelog, /keepachangelog\.com/);
  assert.match(changelog, /^## \[Unreleased\]$/m);
  assert.match(changelog, /^\[Unreleased\]: https:\/\//m);
});
