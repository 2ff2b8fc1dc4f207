// Discovering an IdP's signing keys from its issuer identifier: RFC 8414 authorization
// server metadata, then OpenID Connect discovery; the metadata's `issuer` must equal the
// issuer asked for, then its `jwks_uri` is fetched. Only these public documents are
// requested — never the grant.

const TIMEOUT_MS = 5000;

function isLoopback(hostname) {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** https, or http on a loopback host; no credentials, query or fragment. Returns a URL or throws. */
export function checkUrl(value, what) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(`${what} must use https (http only on localhost / 127.0.0.1)`);
  }
  if (url.username || url.password) throw new Error(`${what} must not carry credentials`);
  return url;
}

/** The metadata URLs to try for an issuer, in order. */
export function metadataUrls(issuer) {
  const url = checkUrl(issuer, 'the issuer');
  if (url.search || url.hash) throw new Error('an issuer identifier has no query or fragment');
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`, // RFC 8414 §3.1: inserted
    `${url.origin}${path}/.well-known/openid-configuration`, // OIDC Discovery §4: appended
  ];
  if (path) urls.push(`${url.origin}/.well-known/openid-configuration${path}`); // RFC 8414 §5 compat
  return urls;
}

async function getJson(url, fetchImpl) {
  let res;
  try {
    res = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    const why = e?.name === 'TimeoutError' ? `timed out after ${TIMEOUT_MS / 1000} s` : 'network error, redirect, or the server does not allow cross-origin requests (CORS)';
    return { status: 0, error: why };
  }
  if (res.status !== 200) return { status: res.status, error: `HTTP ${res.status}` };
  const text = await res.text();
  if (text.length > 1 << 20) return { status: 200, error: 'response larger than 1 MiB' };
  try {
    const doc = JSON.parse(text);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { status: 200, error: 'not a JSON object' };
    return { status: 200, doc };
  } catch {
    return { status: 200, error: 'not JSON' };
  }
}

/**
 * @param {string} issuer the IdP's issuer identifier, exactly as in the grant's `iss`
 * @param {{ fetchImpl?: typeof fetch, onStep?: (msg: string) => void }} [options]
 * @returns {Promise<{ metadataUrl: string, jwksUri: string, jwks: { keys: object[] } }>}
 */
export async function discoverJwks(issuer, { fetchImpl = globalThis.fetch.bind(globalThis), onStep = () => {} } = {}) {
  const tried = [];
  let found = null;
  for (const url of metadataUrls(issuer)) {
    onStep(`fetching ${url}`);
    const r = await getJson(url, fetchImpl);
    if (r.doc) {
      found = { url, doc: r.doc };
      break;
    }
    tried.push(`${url}: ${r.error}`);
  }
  if (!found) throw new Error(`no metadata found — ${tried.join('; ')}`);
  const { url: metadataUrl, doc } = found;
  if (doc.issuer !== issuer) {
    throw new Error(`${metadataUrl} names issuer ${JSON.stringify(String(doc.issuer).slice(0, 120))}, not ${JSON.stringify(issuer)} (it must be identical)`);
  }
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${metadataUrl} has no jwks_uri`);
  const jwksUri = checkUrl(doc.jwks_uri, 'jwks_uri').href;
  onStep(`fetching ${jwksUri}`);
  const k = await getJson(jwksUri, fetchImpl);
  if (!k.doc) throw new Error(`${jwksUri}: ${k.error}`);
  if (!Array.isArray(k.doc.keys)) throw new Error(`${jwksUri} is not a JWK Set (no keys array)`);
  return { metadataUrl, jwksUri, jwks: k.doc };
}
