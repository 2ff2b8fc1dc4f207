// The URL rules shared by every fetch the package makes (client helpers, JWKS, discovery):
// absolute, https (plain http only on loopback hosts), no credentials, no fragment (T4).
import { configError } from './errors.js';

/** Loopback hosts for which plain http is accepted (local IdPs, tests): 127.0.0.0/8, ::1, localhost. */
export function isLoopback(hostname) {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why `url` may not be used (T4, RFC 6749 §3.1), or null. */
export function urlProblem(url) {
  if (url.protocol === 'http:') {
    if (!isLoopback(url.hostname)) return 'must use https (http only on loopback hosts)';
  } else if (url.protocol !== 'https:') {
    return 'must use https';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  return null;
}

/** Parses a caller-supplied URL by those rules; throws IdJagError ERR_CONFIG saying why (`what` names it). */
export function checkUrl(value, what) {
  if (typeof value !== 'string' && !(value instanceof URL)) throw configError(`${what} must be a url string`);
  let url;
  try {
    url = new URL(String(value));
  } catch {
    throw configError(`${what} is not an absolute url`);
  }
  const problem = urlProblem(url);
  if (problem) throw configError(`${what} ${problem}`);
  return url;
}
