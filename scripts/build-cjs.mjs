// Builds pkg/dist/idjag.cjs (the `require('idjag')` entry for Node, including Node 20.0
// which has no require(esm)) from the ESM sources, and its type declarations; likewise
// pkg/dist/testing.cjs, pkg/dist/server.cjs and pkg/dist/adapters.cjs. Each bundle carries its
// own copy of the JS classes; they share one wasm instance with each other and with the ESM
// entries through the registry of src/core.js, and errors are recognised across copies (brand).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
mkdirSync(`${pkg}dist`, { recursive: true });

for (const [entry, out] of [['entry-cjs', 'idjag'], ['entry-testing-cjs', 'testing'], ['entry-server-cjs', 'server'], ['adapters/index', 'adapters']]) await build({
  entryPoints: [`${pkg}src/${entry}.js`],
  outfile: `${pkg}dist/${out}.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // src/core-node.js finds the wasm from import.meta.url (dist/ → ../wasm-full/); the
  // wasm-bindgen glue mentions it too. When a user's bundler inlines this file, __filename is
  // the bundle's (or absent in an ESM bundle: core-node.js then looks elsewhere).
  banner: { js: '"use strict";\nvar __idjag_import_meta_url = typeof __filename === "string" ? require("node:url").pathToFileURL(__filename).href : undefined;' },
  define: { 'import.meta.url': '__idjag_import_meta_url' },
  legalComments: 'none',
  logLevel: 'warning',
});

// Same declarations; the .d.cts extension tells TypeScript this entry is CommonJS.
copyFileSync(`${pkg}index.d.ts`, `${pkg}dist/idjag.d.cts`);
// testing.d.ts imports its shared types from './index.js'; in dist/ they are './idjag.cjs'.
const testingTypes = readFileSync(`${pkg}testing.d.ts`, 'utf8').replaceAll("from './index.js'", "from './idjag.cjs'");
writeFileSync(`${pkg}dist/testing.d.cts`, testingTypes);
const serverTypes = readFileSync(`${pkg}server.d.ts`, 'utf8').replaceAll("from './index.js'", "from './idjag.cjs'").replaceAll("from './adapters.js'", "from './adapters.cjs'");
writeFileSync(`${pkg}dist/server.d.cts`, serverTypes);
// dist/adapters.cjs (`require('idjag/adapters')`: no wasm, its own IdJagError class like the others).
const adapterTypes = readFileSync(`${pkg}adapters.d.ts`, 'utf8').replaceAll("from './index.js'", "from './idjag.cjs'");
writeFileSync(`${pkg}dist/adapters.d.cts`, adapterTypes);
console.log('[build] pkg/dist/idjag.cjs, pkg/dist/testing.cjs, pkg/dist/server.cjs, pkg/dist/adapters.cjs');
