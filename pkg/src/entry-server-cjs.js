// Source of dist/server.cjs (`require('idjag/server')`, built by scripts/build-cjs.mjs); see
// entry-cjs.js: one shared wasm instance, errors recognised across copies.
import { registerNodeBuild } from './core-node.js';

registerNodeBuild();

export * from './server.js';
export { ready } from './core.js';
