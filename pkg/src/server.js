// `idjag/server`: everything of `idjag`, plus the authorization server's pieces, which need
// the signing wasm build (pkg/wasm-full): the token endpoint, the access-token issuer and the
// discovery documents. The runtime entries (entry-server-*.js) instantiate both builds.
export * from './api.js';
export { AccessTokenIssuer } from './server/access-token-issuer.js';
export { createTokenEndpoint } from './server/token-endpoint.js';
export {
  authorizationServerMetadata, protectedResourceMetadata, protectedResourceMetadataUrl, refuseAuthorizationRequest,
} from './server/metadata.js';
// Node frameworks (node:http, Express, Fastify) and the MCP SDK's bearer gate; also `idjag/adapters`.
export { toNodeHandler, toFastifyPlugin, toHonoHandler, toMcpVerifier, mcpBearerAuth, mcpExpressBearerAuth } from './adapters/index.js';
