// The published declarations accept every option the core accepts and the READMEs document.
// The Rust option structs (serde, camelCase) and the option tables of README.md and
// pkg/README.md are read here and each name is looked up among the members of the matching
// TypeScript interface (parsed with the TypeScript compiler API). tests/types/options.mts then
// type-checks a value for each of them (make test-types).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import ts from 'typescript';

const read = (p) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Members of `export interface <name>` in a .d.ts file. */
function members(file, name) {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
  for (const node of source.statements) {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      return new Set(node.members.filter((m) => m.name).map((m) => m.name.getText(source).replace(/^['"]|['"]$/g, '')));
    }
  }
  throw new Error(`${file}: no interface ${name}`);
}

/** Field names (camelCase, as serde renames them) of `struct <name>` in a Rust file. */
function rustFields(file, name) {
  const text = read(file);
  const start = text.search(new RegExp(`struct ${name} \\{`));
  assert.ok(start >= 0, `${file}: no struct ${name}`);
  const body = text.slice(start, text.indexOf('\n}', start));
  return [...body.matchAll(/^\s*(?:pub\s+)?([a-z_][a-z0-9_]*):/gm)].map((m) => camel(m[1]));
}

const RUST = [
  // [rust file, struct, d.ts file, interface, names the JS layer supplies or that are not options]
  ['src/grant/options.rs', 'IssuerOptions', 'pkg/index.d.ts', 'IssuerOptions', []],
  ['src/grant/options.rs', 'VerifierOptions', 'pkg/index.d.ts', 'VerifierOptions', ['onDecision' /* tolerated, never read: the token endpoint's */]],
  ['src/server/client_auth.rs', 'ClientOptions', 'pkg/server.d.ts', 'ClientRegistration', []],
  // issuer = grants.audience, clockToleranceSec = grants.clockToleranceSec (token-endpoint.js)
  ['src/server/client_auth.rs', 'ClientRegistryOptions', 'pkg/server.d.ts', 'TokenEndpointOptions', ['issuer', 'clockToleranceSec']],
  ['src/wasm/access_token.rs', 'Options', 'pkg/index.d.ts', 'AccessTokenVerifierOptions', []],
  ['src/wasm/server.rs', 'IssuerOptions', 'pkg/server.d.ts', 'AccessTokenIssuerOptions', []],
  ['src/wasm/testing.rs', 'WasmTestIssuerOptions', 'pkg/testing.d.ts', 'TestIssuerOptions', []],
  // nowSec is `now` (a Date) in JS; variant is mintVariant's argument
  ['src/testing/mod.rs', 'MintParams', 'pkg/testing.d.ts', 'MintParams', ['nowSec', 'variant']],
];

for (const [rs, struct, dts, iface, exempt] of RUST) {
  test(`${iface} (${dts}) declares every field of ${rs} ${struct}`, () => {
    const declared = members(dts, iface);
    const fields = rustFields(rs, struct);
    assert.ok(fields.length > 0);
    const missing = fields.filter((f) => !exempt.includes(f) && !declared.has(f));
    assert.deepEqual(missing, [], `${iface} lacks ${missing.join(', ')}`);
  });
}

/** Option names in the first column of the README tables whose header cell matches `header`. */
function tableOptions(markdown, header) {
  const names = [];
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) { inTable = false; continue; }
    const first = line.split('|')[1]?.trim() ?? '';
    if (header.test(first)) { inTable = true; continue; }
    if (inTable) for (const m of first.matchAll(/`([A-Za-z[\].]+)`/g)) names.push(m[1]);
  }
  return names;
}

for (const readme of ['README.md', 'pkg/README.md']) {
  test(`every option in the option tables of ${readme} is declared`, () => {
    const verifier = members('pkg/index.d.ts', 'VerifierOptions');
    const issuer = members('pkg/index.d.ts', 'IssuerOptions');
    const endpoint = members('pkg/server.d.ts', 'TokenEndpointOptions');
    const text = read(readme);
    const verifierOptions = tableOptions(text, /^option$|^`?IdJagVerifier`? option$/);
    const endpointOptions = tableOptions(text, /createTokenEndpoint` option$/);
    assert.ok(verifierOptions.length >= 15, `${readme}: the verifier option table was not found`);
    assert.ok(endpointOptions.length >= 8, `${readme}: the createTokenEndpoint option table was not found`);
    const missing = [];
    for (const name of verifierOptions) {
      const [, nested] = /^issuers\[\]\.(\w+)$/.exec(name) ?? [];
      if (nested ? !issuer.has(nested) : !verifier.has(name)) missing.push(name);
    }
    for (const name of endpointOptions) if (name !== 'clients[]' && !endpoint.has(name)) missing.push(name);
    assert.deepEqual(missing, [], `${readme} documents options the declarations lack`);
  });
}
