// Source of dist/idjag.cjs (built by scripts/build-cjs.mjs with esbuild, format cjs) for
// `require('idjag')` on Node versions without require(esm). It carries its own copy of the JS
// classes but shares the wasm instance with the ESM entries and the other CJS bundles (the
// registry of src/core.js); errors are recognised across copies (IdJagError.is, instanceof).
import { registerNodeBuild } from './core-node.js';

registerNodeBuild();

export * from './api.js';
export { ready } from './core.js';
