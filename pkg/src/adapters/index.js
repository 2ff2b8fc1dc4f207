// `idjag/adapters`: glue between idjag's web-standard pieces and Node frameworks / the MCP SDK.
// No WebAssembly here (it adapts objects made with `idjag` or `idjag/server`), so a resource
// server that loads only `idjag` pays nothing more. `idjag/server` re-exports the same functions.
export { toNodeHandler, toFastifyPlugin } from './node.js';
export { toHonoHandler } from './hono.js';
export { toMcpVerifier, mcpBearerAuth, mcpExpressBearerAuth } from './mcp.js';
