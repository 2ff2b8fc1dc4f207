// The public API, shared by every entry point. The entries differ only in how they
// instantiate the wasm module before first use.
export { IdJagError, ERROR_CODES } from './errors.js';
export { IdJagVerifier } from './verifier.js';
export { MemoryReplayStore } from './replay.js';
export { inspect } from './inspect.js';
export { OAuthResponseError, discover, requestIdJag, exchangeIdJag } from './client.js';
