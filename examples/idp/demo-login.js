// The client side of the demo login (POST /demo-login of idp.js). DEMO ONLY: a real MCP
// client signs the user in in the browser (OIDC authorization code flow) and ends up holding
// the same thing, an ID token whose `aud` is the client.

/**
 * @param {{ loginEndpoint: string, username: string, password: string, clientId: string, clientSecret: string, fetch?: typeof fetch }} options
 * @returns {Promise<string>} the ID token
 */
export async function demoLogin({ loginEndpoint, username, password, clientId, clientSecret, fetch = globalThis.fetch }) {
  // RFC 6749 §2.3.1: client_secret_basic, each part form-urlencoded first.
  const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const credentials = btoa(String.fromCharCode(...new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`)));
  const res = await fetch(loginEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${credentials}` },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || typeof body.id_token !== 'string') {
    throw new Error(`demo login failed: ${typeof body.error === 'string' ? body.error.slice(0, 64) : `http ${res.status}`}`);
  }
  return body.id_token;
}
