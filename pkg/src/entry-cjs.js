// Source of dist/idjag.cjs (built by scripts/build-cjs.mjs with esbuild, format cjs) for
// `require('idjag')` on Node versions without require(esm). `__dirname` is the dist/ folder
// at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync } from '../wasm/idjag.js';

// eslint-disable-next-line no-undef
initSync({ module: readFileSync(join(__dirname, '..', 'wasm', 'idjag_bg.wasm')) });

export * from './api.js';
