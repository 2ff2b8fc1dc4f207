// Source of dist/testing.cjs (`require('idjag/testing')`, built by scripts/build-cjs.mjs); see
// entry-cjs.js: one shared wasm instance, errors recognised across copies.
import { registerNodeBuild } from './core-node.js';

registerNodeBuild();

export * from './testing.js';
export { ready } from './core.js';
