// The MCP-style route of the edge worker: every call carries an RFC 9068 access token of this
// authorization server (V1–V8 via idjag's AccessTokenVerifier); a tool may need one more scope.
// Just enough JSON-RPC (initialize, tools/list, tools/call) to show where the checks go; a
// real MCP server would put the MCP SDK's transport behind the same bearer check.
import { IdJagError } from 'idjag/server';

const PROTOCOL_VERSION = '2025-06-18';
const MAX_BODY_CHARS = 64 * 1024;

// The tools and the scope each needs beyond the one every call needs.
const TOOLS = [
  { name: 'whoami', description: 'Who the access token was issued to, and with which scopes.', scope: null },
  { name: 'write_note', description: 'Pretends to write a note (needs files.write).', scope: 'files.write' },
];

/**
 * @param {{ verifier: import('idjag/server').AccessTokenVerifier, requiredScope: string,
 *   resourceMetadataUrl: string }} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createMcpHandler({ verifier, requiredScope, resourceMetadataUrl }) {
  // RFC 6750 §3 / RFC 9728 §5.1: the challenge names where the client finds the AS.
  const challenge = (status, error, description, scope) => {
    const params = [];
    if (error) params.push(`error="${error}"`, `error_description="${description}"`);
    if (scope) params.push(`scope="${scope}"`);
    params.push(`resource_metadata="${resourceMetadataUrl}"`);
    const body = error ? { error, error_description: description } : { error_description: description };
    return Response.json(body, { status, headers: { 'www-authenticate': `Bearer ${params.join(', ')}`, 'cache-control': 'no-store' } });
  };

  return async function mcp(request) {
    if (request.method !== 'POST') return Response.json({ error: 'method not allowed' }, { status: 405, headers: { allow: 'POST' } });
    // V1: the header only, never the query string or the body.
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(request.headers.get('authorization') ?? '');
    if (m === null) return challenge(401, null, 'a bearer access token is required');
    let auth;
    try {
      auth = await verifier.verify(m[1], { requiredScopes: [requiredScope] });
    } catch (e) {
      if (!(e instanceof IdJagError)) throw e;
      // V8: a missing scope is 403 insufficient_scope; anything else (an ID-JAG presented as
      // a bearer token is ERR_TYP, S16) is 401 invalid_token. The reason stays in the log.
      console.log(JSON.stringify({ event: 'mcp.refused', code: e.code }));
      return e.code === 'ERR_SCOPE'
        ? challenge(403, 'insufficient_scope', 'the access token lacks a required scope', requiredScope)
        : challenge(401, 'invalid_token', 'the access token is not valid');
    }

    let msg;
    try {
      const text = await request.text();
      if (text.length > MAX_BODY_CHARS) throw new Error('too large');
      msg = JSON.parse(text);
    } catch {
      return rpcError(null, -32700, 'parse error');
    }
    if (msg === null || typeof msg !== 'object' || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') {
      return rpcError(msg?.id ?? null, -32600, 'invalid request');
    }
    const { id = null, method, params = {} } = msg;
    switch (method) {
      case 'initialize':
        return rpcResult(id, {
          protocolVersion: PROTOCOL_VERSION, capabilities: { tools: {} }, serverInfo: { name: 'idjag-edge-worker', version: '0.1.0' },
        });
      case 'tools/list':
        return rpcResult(id, { tools: TOOLS.map(({ name, description }) => ({ name, description, inputSchema: { type: 'object' } })) });
      case 'tools/call': {
        const tool = TOOLS.find((t) => t.name === params?.name);
        if (!tool) return rpcError(id, -32602, 'unknown tool');
        // Per-tool scope: the MCP step-up answer is 403 naming every scope the call needs.
        if (tool.scope && !auth.scopes.includes(tool.scope)) {
          return challenge(403, 'insufficient_scope', 'the access token lacks a required scope', `${requiredScope} ${tool.scope}`);
        }
        const out = tool.name === 'whoami'
          ? { subject: auth.subject, clientId: auth.clientId, scopes: auth.scopes }
          : { written: true };
        return rpcResult(id, { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out });
      }
      default:
        return rpcError(id, -32601, 'method not found');
    }
  };
}

const rpcResult = (id, result) => Response.json({ jsonrpc: '2.0', id, result });
const rpcError = (id, code, message) => Response.json({ jsonrpc: '2.0', id, error: { code, message } });
