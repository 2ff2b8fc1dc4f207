// Node (import), Bun and Deno: read the wasm file next to the module and compile it synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from '../wasm/idjag.js';

initSync({ module: readFileSync(new URL('../wasm/idjag_bg.wasm', import.meta.url)) });

export * from './api.js';
