// `idjag` for Node (import) and Bun: the full build, read from the package and compiled
// synchronously on first use (src/core-node.js), one instance per process (src/core.js).
import { registerNodeBuild } from './core-node.js';

registerNodeBuild();

export * from './api.js';
export { ready } from './core.js';
