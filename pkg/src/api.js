// The public API, shared by every entry point. The entries differ only in how they
// instantiate the wasm module before first use.
export { IdJagError, ERROR_CODES } from './errors.js';
export { IdJagVerifier } from './verifier.js';
export { AccessTokenVerifier } from './access-token-verifier.js';
export { JwksCache } from './jwks-cache.js';
export { MemoryReplayStore } from './replay.js';
export { RedisReplayStore } from './redis-replay.js';
export { inspect, inspectJwks } from './inspect.js';
export { OAuthResponseError, discover, requestIdJag, exchangeIdJag, clientMetadata } from './client.js';
