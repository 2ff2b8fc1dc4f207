// `idjag/testing` for Node (import) and Bun: the same full-build instance as `idjag`.
import { registerNodeBuild } from './core-node.js';

registerNodeBuild();

export * from './testing.js';
export { ready } from './core.js';
