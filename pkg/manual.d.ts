/**
 * `idjag/manual`: the same API as `idjag`, without instantiating the WebAssembly module.
 * Call {@link init} or {@link initSync} once before the first use.
 *
 * @example
 * ```ts
 * import { init, IdJagVerifier } from 'idjag/manual';
 * await init({ module_or_path: new URL('idjag/idjag_bg.wasm', import.meta.url) });
 * ```
 *
 * @packageDocumentation
 */
export * from './index.js';

/** What {@link init} accepts: a URL/path/response to fetch, bytes, or a compiled module. */
export type InitInput =
  | RequestInfo
  | URL
  | Response
  | BufferSource
  | WebAssembly.Module;

/** Instantiates the module asynchronously (fetching it when given a URL). */
export declare function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<unknown>;

/** Instantiates the module synchronously from bytes or a compiled module. */
export declare function initSync(options: { module: BufferSource | WebAssembly.Module }): unknown;
