// startIdp(): the demo IdP (idp.js) on node:http, on a loopback port. The IdP itself is a
// web-standard Request → Response handler; this file only carries requests across.
import { readFile } from 'node:fs/promises';
import { serveFetch } from '../lib/serve-fetch.js';
import { createIdp } from './idp.js';

export { DEMO_CLIENTS, DEMO_USERS } from './idp.js';
export { PARTNER_CLIENTS, PARTNER_POLICY, PARTNER_USERS } from './partner.js';

/**
 * Starts the demo IdP. Every option but `port` and `host` goes to createIdp (idp.js); the
 * policy defaults to policy.json next to this file.
 *
 * @param {{ port?: number, host?: string, policy?: object } & Omit<Parameters<typeof createIdp>[0], 'issuer' | 'policy'>} [options]
 * @returns {Promise<{ url: string, issuer: string, tokenEndpoint: string, jwksUri: string, loginEndpoint: string,
 *   metadata: object, jwks: () => { keys: JsonWebKey[] }, users: object[], clients: object[], apps: object[], close: () => Promise<void> }>}
 */
export async function startIdp({ port = 0, host = '127.0.0.1', policy, ...options } = {}) {
  const policyDoc = policy ?? JSON.parse(await readFile(new URL('./policy.json', import.meta.url), 'utf8'));
  let idp = null; // known once the port is: the issuer is the base URL
  const server = await serveFetch((request) => (idp === null ? new Response(null, { status: 503 }) : idp.handle(request)), { port, host });
  const { url, close } = server;
  try {
    idp = createIdp({ ...options, issuer: url, policy: policyDoc });
  } catch (e) {
    await close();
    throw e;
  }
  return {
    url,
    issuer: idp.issuer,
    tokenEndpoint: idp.endpoints.token,
    jwksUri: idp.endpoints.jwks,
    loginEndpoint: idp.endpoints.login,
    metadata: idp.metadata,
    jwks: idp.jwks,
    users: idp.users,
    clients: idp.clients,
    apps: idp.apps,
    close,
  };
}
