// Every ```js / ```ts block of the npm README (pkg/README.md) is a complete ES module: it is
// type-checked with tsc (strict, exactOptionalPropertyTypes, Node-only lib: what a Node service
// compiles with; js blocks with checkJs) and then run with node, in a world of loopback hosts
// (tests/js/readme-snippets/world.mjs: the IdP, the MCP authorization server and the MCP server
// the snippets name). A snippet passes when it type-checks and exits 0; snippets assert what they
// claim with node:assert. The conventions (also in tests/js/readme-snippets/README.md):
//
//   - a block opts out only with `<!-- snippet: skip (reason) -->` on the line(s) just above it
//     (blank lines between are allowed, a reason is required);
//   - `<!-- snippet: typecheck-only (reason) -->` type-checks without running;
//   - `process.env.REDIS_URL` is a private redis-server for this test; `process.env.ID_TOKEN` the
//     user's ID token at the world's IdP.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { startRedis } from '../redis/server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const README = join(root, 'pkg/README.md');
const WORLD = fileURLToPath(new URL('./readme-snippets/world.mjs', import.meta.url));
const LANGS = new Map([['js', 'mjs'], ['javascript', 'mjs'], ['mjs', 'mjs'], ['ts', 'mts'], ['typescript', 'mts'], ['mts', 'mts']]);
const MARKER = /^<!--\s*snippet:\s*(skip|typecheck-only)\s*\((.+)\)\s*-->$/;

/** @returns {Array<{ line: number, lang: string, ext: string, code: string, mode: 'run' | 'skip' | 'typecheck-only', reason?: string }>} */
export function extractSnippets(markdown) {
  const lines = markdown.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end].trim().startsWith(fence)) end++;
    const ext = LANGS.get(lang.toLowerCase());
    if (ext) {
      let j = i - 1;
      while (j >= 0 && lines[j].trim() === '') j--;
      const prev = j >= 0 ? lines[j].trim() : '';
      if (prev.startsWith('<!--') && /snippet/i.test(prev) && !MARKER.test(prev)) {
        throw new Error(`pkg/README.md:${j + 1}: malformed snippet marker ${prev} (want <!-- snippet: skip (reason) -->)`);
      }
      const m = MARKER.exec(prev);
      const code = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
      out.push({ line: i + 1, lang, ext, code, mode: m ? /** @type {'skip' | 'typecheck-only'} */ (m[1]) : 'run', ...(m ? { reason: m[2].trim() } : {}) });
    }
    i = end;
  }
  return out;
}

const snippets = extractSnippets(readFileSync(README, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'idjag-readme-'));
const fileOf = (s) => join(dir, `snippet-${String(s.line).padStart(4, '0')}.${s.ext}`);
let redis;

before(async () => {
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  for (const s of snippets) if (s.mode !== 'skip') writeFileSync(fileOf(s), `${s.code}\n`);
  if (snippets.some((s) => s.mode === 'run' && s.code.includes('REDIS_URL'))) redis = await startRedis();
});
after(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('pkg/README.md has snippets, and every opt-out gives a reason', () => {
  assert.ok(snippets.length >= 10, `only ${snippets.length} js/ts blocks found`);
  for (const s of snippets) if (s.mode !== 'run') assert.ok(s.reason && s.reason.length >= 3, `README line ${s.line}: a reason is required`);
});

test('every README snippet type-checks (tsc: strict, exactOptionalPropertyTypes, Node-only lib, checkJs)', () => {
  const files = snippets.filter((s) => s.mode !== 'skip').map((s) => fileOf(s));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, exactOptionalPropertyTypes: true, noEmit: true, allowJs: true, checkJs: true,
      module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['ES2022'], types: ['node'],
      skipLibCheck: true, // the MCP SDK's own declarations; idjag's are checked by make test-types
    },
    files,
  }, null, 2));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  // snippet-0042.mjs(3,5) → README line 42 + 3
  const report = `${r.stdout}${r.stderr}`.replace(/[^\s(]*snippet-(\d+)\.m[jt]s\((\d+),(\d+)\)/g, (_, at, l, c) => `pkg/README.md:${Number(at) + Number(l)}:${c}`);
  assert.equal(r.status, 0, `tsc found errors in README snippets:\n${report}`);
});

for (const s of snippets) {
  const name = `README line ${s.line} (${s.lang}) runs`;
  if (s.mode !== 'run') {
    test(name, { skip: `${s.mode}: ${s.reason}` }, () => {});
    continue;
  }
  test(name, { timeout: 60_000 }, async () => {
    let file = fileOf(s);
    if (s.ext === 'mts') {
      // Node 20 cannot strip types: transpile (no type check here; the test above did that).
      const out = ts.transpileModule(s.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
      file = file.replace(/\.mts$/, '.run.mjs');
      writeFileSync(file, out.outputText);
    }
    const env = { ...process.env, ...(redis ? { REDIS_URL: redis.url } : {}) };
    const child = spawn(process.execPath, ['--import', WORLD, file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, `pkg/README.md:${s.line}: the snippet exited with ${code}:\n${output}`);
  });
}
