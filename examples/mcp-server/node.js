// startDemo(): the demo IdPs — the enterprise's (examples/idp) and a partner company's (the same
// code with examples/idp/partner.js: its own issuer, key, users and policy) —, the authorization
// server trusting both, and the MCP server, on loopback ports of node:http. The servers themselves are web-standard handlers (index.js);
// this file only picks ports and binds the URLs together.
//
//   node examples/mcp-server/node.js     prints the URLs and serves until Ctrl-C
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIdp } from '../idp/node.js';
import { PARTNER_CLIENTS, PARTNER_POLICY, PARTNER_USERS } from '../idp/partner.js';
import { serveFetch } from '../lib/serve-fetch.js';
import { createDemoServers } from './index.js';

/**
 * Starts the four servers. The authorization server and the MCP server listen first (their
 * URLs are the IdPs' application binding), then the IdPs, then the handlers are created.
 * `onIdpEvent(event, which)`: `which` is 'idp' (the enterprise IdP) or 'partner'.
 *
 * @param {{ onDecision?: (event: object) => void, onIdpEvent?: (event: object, which: 'idp' | 'partner') => void,
 *   ports?: { idp?: number, partnerIdp?: number, as?: number, mcp?: number } }} [options]
 */
export async function startDemo({ onDecision, onIdpEvent, ports = {} } = {}) {
  let servers = null;
  const unavailable = () => Response.json({ error: 'temporarily_unavailable' }, { status: 503 });
  const as = await serveFetch((request) => (servers ? servers.authorizationServer.handle(request) : unavailable()), { port: ports.as ?? 0 });
  const mcp = await serveFetch((request) => (servers ? servers.mcpServer.handle(request) : unavailable()), { port: ports.mcp ?? 0 });
  const mcpServerUrl = `${mcp.url}/mcp`;
  const apps = { 'files-mcp': { audience: as.url, resource: mcpServerUrl } };
  let idp;
  let partnerIdp;
  try {
    idp = await startIdp({ port: ports.idp ?? 0, apps, ...(onIdpEvent ? { log: (e) => onIdpEvent(e, 'idp') } : {}) });
    partnerIdp = await startIdp({
      port: ports.partnerIdp ?? 0, apps, users: PARTNER_USERS, clients: PARTNER_CLIENTS, policy: PARTNER_POLICY,
      ...(onIdpEvent ? { log: (e) => onIdpEvent(e, 'partner') } : {}),
    });
    servers = createDemoServers({ asIssuer: as.url, mcpServerUrl, idpIssuer: idp.issuer, partnerIdpIssuer: partnerIdp.issuer, onDecision });
  } catch (e) {
    await Promise.all([as.close(), mcp.close(), idp?.close(), partnerIdp?.close()]);
    throw e;
  }
  return {
    idp,
    partnerIdp,
    authorizationServer: servers.authorizationServer,
    mcpServer: servers.mcpServer,
    mcpServerUrl,
    close: () => Promise.all([as.close(), mcp.close(), idp.close(), partnerIdp.close()]).then(() => {}),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const demo = await startDemo({ onDecision: (e) => console.log(JSON.stringify(e)) });
  console.log(`IdP                   ${demo.idp.issuer}   (users: alice, bob, carol @example.com; see examples/idp/README.md)`);
  console.log(`partner IdP           ${demo.partnerIdp.issuer}   (user: dana@partner.example, sub u-1001 like alice; examples/idp/partner.js)`);
  console.log(`authorization server  ${demo.authorizationServer.issuer}`);
  console.log(`MCP server            ${demo.mcpServerUrl}`);
  console.log('audit events follow, one JSON line each; Ctrl-C to stop');
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => demo.close().finally(() => process.exit(0)));
}
