// Builds pkg/dist/idjag.cjs (the `require('idjag')` entry for Node, including Node 20.0
// which has no require(esm)) from the ESM sources, and its type declarations; likewise
// pkg/dist/testing.cjs for `require('idjag/testing')`, and the same for idjag/server and idjag/adapters.
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
  // The wasm-bindgen glue mentions import.meta.url (only for `init()` without arguments,
  // which the CJS entry never calls); give it a real value anyway.
  banner: { js: '"use strict";\nvar __idjag_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
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
