// The URL policy of every fetch the package makes (client helpers, JWKS, discovery) and of the
// URLs it publishes: decided by the Rust core (src/fetch_policy.rs url_problem, the wasm export
// `urlProblem`); this module parses the URL (WHATWG) and hands the core its parts.
import { configError } from './errors.js';
import { urlProblem as coreUrlProblem, verifierCore } from './core-verifier.js';

/**
 * Why `url` (a URL) may not be used, or null: the core's answer. `from`: the URL of the document
 * that named it (an https document may not send us to plain http, even on loopback).
 */
export function urlProblem(url, from) {
  const credentials = url.username !== '' || url.password !== '';
  const fromHttps = from !== undefined && from.protocol !== 'http:';
  const scheme = url.protocol.slice(0, -1); // WHATWG's protocol ends with its colon
  return verifierCore.call(() => coreUrlProblem(scheme, url.hostname, credentials, url.hash !== '', fromHttps)) ?? null;
}

function parse(value, what) {
  if (typeof value !== 'string' && !(value instanceof URL)) throw configError(`${what} must be a url string`);
  try {
    return new URL(String(value));
  } catch {
    throw configError(`${what} is not an absolute url`);
  }
}

/**
 * Parses a caller-supplied URL and asks the core whether it may be used; throws IdJagError
 * ERR_CONFIG saying why (`what` names it). Needs the wasm core (in a browser, `await ready()`).
 */
export function checkUrl(value, what) {
  const url = parse(value, what);
  const problem = urlProblem(url);
  if (problem) throw configError(`${what} ${problem}`);
  return url;
}

/**
 * `checkUrl` for constructors, which must not wait for the wasm: while a browser is still loading
 * it, the URL is only parsed here, and the core's check runs where it is fetched (JwksCache).
 */
export function checkUrlIfReady(value, what) {
  return verifierCore.available() ? checkUrl(value, what) : parse(value, what);
}

/** For async callers: waits for the wasm core (a browser still loading it), then `checkUrl`. */
export async function checkUrlReady(value, what) {
  if (!verifierCore.available()) await verifierCore.ready();
  return checkUrl(value, what);
}
