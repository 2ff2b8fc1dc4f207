// startDemo(): the demo IdP (examples/idp), the authorization server and the MCP server on
// loopback ports of node:http. The servers themselves are web-standard handlers (index.js);
// this file only picks ports and binds the URLs together.
//
//   node examples/mcp-server/node.js     prints the URLs and serves until Ctrl-C
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIdp } from '../idp/node.js';
import { serveFetch } from '../lib/serve-fetch.js';
import { createDemoServers } from './index.js';

/**
 * Starts the three servers. The authorization server and the MCP server listen first (their
 * URLs are the IdP's application binding), then the IdP, then the handlers are created.
 *
 * @param {{ onDecision?: (event: object) => void, onIdpEvent?: (event: object) => void,
 *   ports?: { idp?: number, as?: number, mcp?: number } }} [options]
 */
export async function startDemo({ onDecision, onIdpEvent, ports = {} } = {}) {
  let servers = null;
  const unavailable = () => Response.json({ error: 'temporarily_unavailable' }, { status: 503 });
  const as = await serveFetch((request) => (servers ? servers.authorizationServer.handle(request) : unavailable()), { port: ports.as ?? 0 });
  const mcp = await serveFetch((request) => (servers ? servers.mcpServer.handle(request) : unavailable()), { port: ports.mcp ?? 0 });
  const mcpServerUrl = `${mcp.url}/mcp`;
  let idp;
  try {
    idp = await startIdp({
      port: ports.idp ?? 0,
      apps: { 'files-mcp': { audience: as.url, resource: mcpServerUrl } },
      ...(onIdpEvent ? { log: onIdpEvent } : {}),
    });
    servers = createDemoServers({ asIssuer: as.url, mcpServerUrl, idpIssuer: idp.issuer, onDecision });
  } catch (e) {
    await Promise.all([as.close(), mcp.close(), idp?.close()]);
    throw e;
  }
  return {
    idp,
    authorizationServer: servers.authorizationServer,
    mcpServer: servers.mcpServer,
    mcpServerUrl,
    close: () => Promise.all([as.close(), mcp.close(), idp.close()]).then(() => {}),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const demo = await startDemo({ onDecision: (e) => console.log(JSON.stringify(e)) });
  console.log(`IdP                   ${demo.idp.issuer}   (users: alice, bob, carol @example.com; see examples/idp/README.md)`);
  console.log(`authorization server  ${demo.authorizationServer.issuer}`);
  console.log(`MCP server            ${demo.mcpServerUrl}`);
  console.log('audit events follow, one JSON line each; Ctrl-C to stop');
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => demo.close().finally(() => process.exit(0)));
}
