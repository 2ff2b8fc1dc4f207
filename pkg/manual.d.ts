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

/**
 * `WebAssembly.Module` where the host declares it (the DOM lib, workers types, Deno); `object`
 * under a Node-only lib (`"lib": ["ES2022"], "types": ["node"]`), which has no `WebAssembly`.
 */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: any[]) => infer M } }
  ? M
  : object;

/** Bytes of the `.wasm` file (the DOM lib's `BufferSource`, spelled without it). */
export type WasmBytes = ArrayBuffer | ArrayBufferView;

/** What {@link init} accepts: a URL/path/request/response to fetch, bytes, or a compiled module. */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | WasmBytes
  | WasmModule;

/** Instantiates the module asynchronously (fetching it when given a URL). */
export declare function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<unknown>;

/** Instantiates the module synchronously from bytes or a compiled module. */
export declare function initSync(options: { module: WasmBytes | WasmModule }): unknown;
