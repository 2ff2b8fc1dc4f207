// Source of dist/server.cjs (`require('idjag/server')`, built by scripts/build-cjs.mjs). Like
// dist/idjag.cjs it is a self-contained bundle with its own JS classes: its errors are not
// `instanceof` the IdJagError of `require('idjag')` — switch on `e.code`.
import './entry-cjs.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync } from '../wasm-full/idjag.js';

// eslint-disable-next-line no-undef
initSync({ module: readFileSync(join(__dirname, '..', 'wasm-full', 'idjag_bg.wasm')) });

export * from './server.js';
