// `idjag/server` for Node and Bun: the main entry first (shared JS classes), then the full
// wasm build (verifier + signing) read next to the module and compiled synchronously.
import './entry-node.js';
import { readFileSync } from 'node:fs';
import { initSync } from '../wasm-full/idjag.js';

initSync({ module: readFileSync(new URL('../wasm-full/idjag_bg.wasm', import.meta.url)) });

export * from './server.js';
