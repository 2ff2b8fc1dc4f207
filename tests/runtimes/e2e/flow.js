// The end-to-end flow of Enterprise-Managed Authorization, runtime-neutral (web APIs and
// idjag only), for Deno and Bun (deno.js, bun.js next to this file give it their HTTP server):
//
//   the demo IdP (examples/idp/idp.js)          demo login → ID token; RFC 8693 → ID-JAG under policy.json
//   an authorization server (createTokenEndpoint) jwt-bearer → RFC 9068 access token; RFC 8414; /jwks
//   an MCP-style resource (AccessTokenVerifier)  POST /mcp with a bearer token, keys fetched from /jwks
//
// all three served by the runtime on loopback ports, then the client side with idjag's
// discover, requestIdJag and exchangeIdJag and a bearer call, for alice (engineering:
// files.read) and bob (engineering + admins: files.read files.write). Checks that each gets
// exactly their scopes, that a replayed ID-JAG is invalid_grant (R29), and that an ID-JAG
// presented as a bearer token is refused (S16). Then the demo's flow, examples/flow.mjs
// (the MCP SDK's client and server) with both demo IdPs (the enterprise's and the partner's,
// examples/idp/partner.js), for alice, bob and dana, judged by its own `unexpected()` and
// `unexpectedAcross()`: alice and dana (both u-1001) get distinct subjects, and dana's grant
// for the enterprise's client is refused (allowedIssuers).
//
//   const result = await runE2e({ runtime: 'deno', serve });  // serve(handler) → { url, close }
//   → { passed, failed, lines }
import {
  AccessTokenIssuer, AccessTokenVerifier, IdJagError, OAuthResponseError, authorizationServerMetadata,
  createTokenEndpoint, discover, exchangeIdJag, protectedResourceMetadata, protectedResourceMetadataUrl, requestIdJag,
} from 'idjag/server';
import { DEMO_CLIENTS, DEMO_USERS, createIdp } from '../../../examples/idp/idp.js';
import { demoLogin } from '../../../examples/idp/demo-login.js';
import { PARTNER_CLIENTS, PARTNER_POLICY, PARTNER_USERS } from '../../../examples/idp/partner.js';
import policy from '../../../examples/idp/policy.json' with { type: 'json' };

const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const AS_CLIENT = { clientId: 'mcp-demo-client-at-files', clientSecret: 'e2e-as-client-secret-0123' };
const IDP_CLIENT = DEMO_CLIENTS[0]; // mcp-demo-client, connected to files-mcp as AS_CLIENT.clientId
const EXPECTED = { 'alice@example.com': ['files.read'], 'bob@example.com': ['files.read', 'files.write'] };

/** A server whose handler is set later: issuers are URLs, known only once servers listen. */
async function slot(serve) {
  let handler = null;
  const server = await serve((request) => (handler ? handler(request) : new Response('starting', { status: 503 })));
  return { ...server, set: (h) => { handler = h; } };
}

/** The authorization server: token endpoint, RFC 8414 metadata, JWKS. */
function authorizationServer(issuer, { idpIssuer, mcpUrl }) {
  const tokens = new AccessTokenIssuer({ issuer });
  const endpoint = createTokenEndpoint({
    grants: { audience: issuer, issuers: [{ issuer: idpIssuer, jwksUri: `${idpIssuer}/jwks` }], resources: [mcpUrl], scopeRequest: 'intersect' },
    accessTokenIssuer: tokens,
    clients: [{ clientId: AS_CLIENT.clientId, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: AS_CLIENT.clientSecret }],
  });
  const metadata = authorizationServerMetadata({
    issuer, tokenEndpoint: `${issuer}/token`, jwksUri: `${issuer}/jwks`, tokenEndpointAuthMethods: ['client_secret_basic'],
  });
  return (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/token') return endpoint(request);
    if (pathname === '/.well-known/oauth-authorization-server') return Response.json(metadata);
    if (pathname === '/jwks') return Response.json(tokens.jwks());
    return new Response('not found', { status: 404 });
  };
}

/** The MCP-style resource: RFC 9728 metadata, and POST /mcp answering who called with which scopes. */
function mcpServer(base, { asIssuer }) {
  const resource = `${base}/mcp`;
  const verifier = new AccessTokenVerifier({ issuer: asIssuer, audience: resource, jwksUri: `${asIssuer}/jwks` });
  const metadataUrl = protectedResourceMetadataUrl(resource);
  const metadata = protectedResourceMetadata({ resource, authorizationServers: [asIssuer] });
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === new URL(metadataUrl).pathname) return Response.json(metadata);
    if (pathname !== '/mcp' || request.method !== 'POST') return new Response('not found', { status: 404 });
    const challenge = `Bearer resource_metadata="${metadataUrl}"`;
    const m = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '');
    if (!m) return new Response(null, { status: 401, headers: { 'www-authenticate': challenge } });
    try {
      const info = await verifier.verify(m[1], { requiredScopes: ['files.read'] });
      const rpc = await request.json();
      return Response.json({ jsonrpc: '2.0', id: rpc.id, result: { subject: info.subject, scopes: info.scopes } });
    } catch (e) {
      if (!(e instanceof IdJagError)) throw e;
      return Response.json({ error: 'invalid_token', code: e.code }, {
        status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", ${challenge.slice(7)}` },
      });
    }
  };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function bearerCall(mcpUrl, token) {
  const headers = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(mcpUrl, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami' }) });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '', body: text ? JSON.parse(text) : null };
}

/** Resolves to the OAuth error code the promise rejected with, or 'accepted'. */
async function oauthOutcome(promise) {
  try {
    await promise;
    return 'accepted';
  } catch (e) {
    if (e instanceof OAuthResponseError) return `${e.status} ${e.error}`;
    throw e;
  }
}

/** The client: discovery, then per user login → ID-JAG → access token → bearer calls. */
async function clientSide({ check, idp, as, mcpUrl }) {
  const found = await discover(mcpUrl);
  check('discover: RFC 9728 then RFC 8414 name the authorization server', found.authorizationServer === as
    && found.metadata.token_endpoint === `${as}/token`, JSON.stringify(found.metadata));

  const exchange = (userEmail, scope) => async () => {
    const user = DEMO_USERS.find((u) => u.email === userEmail);
    const idToken = await demoLogin({
      loginEndpoint: `${idp}/demo-login`, username: user.email, password: user.password,
      clientId: IDP_CLIENT.clientId, clientSecret: IDP_CLIENT.clientSecret,
    });
    return {
      user,
      jag: await requestIdJag({
        tokenEndpoint: `${idp}/token`, audience: found.authorizationServer, resource: mcpUrl, scope,
        subjectToken: idToken, subjectTokenType: ID_TOKEN,
        clientId: IDP_CLIENT.clientId, clientSecret: IDP_CLIENT.clientSecret, grantClientId: AS_CLIENT.clientId,
      }),
    };
  };

  for (const [email, expected] of Object.entries(EXPECTED)) {
    const name = email.split('@')[0];
    const { user, jag } = await exchange(email, 'files.read files.write')();
    const errors = jag.findings.filter((f) => f.severity === 'error').map((f) => f.code);
    check(`${name}: the IdP's ID-JAG carries ${expected.join(' ')} (policy.json)`, jag.scope === expected.join(' ') && errors.length === 0,
      `scope ${jag.scope}, error findings [${errors}]`);

    const at = await exchangeIdJag({
      tokenEndpoint: found.metadata.token_endpoint, grant: jag.grant, resource: mcpUrl,
      clientId: AS_CLIENT.clientId, clientSecret: AS_CLIENT.clientSecret,
    });
    check(`${name}: jwt-bearer gives a Bearer access token for ${expected.join(' ')}`, at.tokenType === 'Bearer' && at.scope === expected.join(' '),
      `${at.tokenType} ${at.scope}`);

    const call = await bearerCall(mcpUrl, at.accessToken);
    check(`${name}: the MCP call with the access token is 200 with exactly those scopes`,
      call.status === 200 && call.body.result.subject === user.sub && same(call.body.result.scopes, expected), JSON.stringify(call));

    const replay = await oauthOutcome(exchangeIdJag({
      tokenEndpoint: found.metadata.token_endpoint, grant: jag.grant, resource: mcpUrl,
      clientId: AS_CLIENT.clientId, clientSecret: AS_CLIENT.clientSecret,
    }));
    check(`${name}: the same ID-JAG again is refused (R29)`, replay === '400 invalid_grant', replay);

    const asBearer = await bearerCall(mcpUrl, jag.grant);
    check(`${name}: the ID-JAG as a bearer token is refused (S16)`,
      asBearer.status === 401 && asBearer.body.code === 'ERR_TYP' && asBearer.challenge.startsWith('Bearer error="invalid_token"'), JSON.stringify(asBearer));
  }

  const none = await bearerCall(mcpUrl, undefined);
  check('no token: 401 with the resource metadata challenge',
    none.status === 401 && none.challenge === `Bearer resource_metadata="${protectedResourceMetadataUrl(mcpUrl)}"`, none.challenge);
  const carol = await oauthOutcome(exchange('carol@example.com', 'files.read')());
  check('carol (sales): the IdP refuses the ID-JAG', carol === '400 invalid_target', carol);
}

/**
 * @param {{ runtime: string, serve: (handler: (r: Request) => Promise<Response>) => Promise<{ url: string, close: () => Promise<void> }> }} options
 * @returns {Promise<{ passed: number, failed: number, lines: string[] }>}
 */
export async function runE2e({ runtime, serve }) {
  const lines = [];
  let passed = 0;
  let failed = 0;
  const check = (name, ok, detail = '') => {
    if (ok) passed += 1;
    else failed += 1;
    lines.push(`${runtime}: ${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
  };
  const servers = [];
  try {
    for (let i = 0; i < 3; i += 1) servers.push(await slot(serve));
    const [idpSrv, asSrv, mcpSrv] = servers;
    const mcpUrl = `${mcpSrv.url}/mcp`;
    idpSrv.set(createIdp({ issuer: idpSrv.url, policy, apps: { 'files-mcp': { audience: asSrv.url, resource: mcpUrl } } }).handle);
    asSrv.set(authorizationServer(asSrv.url, { idpIssuer: idpSrv.url, mcpUrl }));
    mcpSrv.set(mcpServer(mcpSrv.url, { asIssuer: asSrv.url }));
    lines.push(`${runtime}: idp ${idpSrv.url}, authorization server ${asSrv.url}, mcp ${mcpUrl}`);
    await clientSide({ check, idp: idpSrv.url, as: asSrv.url, mcpUrl });
  } catch (e) {
    check('the core flow ran to the end', false, String(e?.stack ?? e).slice(0, 2000));
  } finally {
    await Promise.all(servers.splice(0).map((s) => s.close().catch(() => {})));
  }

  // The demo's own flow (examples/flow.mjs: the MCP SDK client with CrossAppAccessProvider
  // against examples/mcp-server, the SDK server), imported when this runs so that a module
  // that does not load here is a failed check with its reason, not a crash.
  try {
    const [{ EXPECTED: FLOW_EXPECTED, PARTNER_CLIENT, runFlow, runWrongIdp, unexpected, unexpectedAcross }, { createDemoServers }] = await Promise.all([
      import('../../../examples/flow.mjs'), import('../../../examples/mcp-server/index.js'),
    ]);
    for (let i = 0; i < 4; i += 1) servers.push(await slot(serve));
    const [idpSrv, asSrv, mcpSrv, partnerSrv] = servers;
    const mcpServerUrl = `${mcpSrv.url}/mcp`;
    const apps = { 'files-mcp': { audience: asSrv.url, resource: mcpServerUrl } };
    const idp = createIdp({ issuer: idpSrv.url, policy, apps });
    const partner = createIdp({ issuer: partnerSrv.url, policy: PARTNER_POLICY, apps, users: PARTNER_USERS, clients: PARTNER_CLIENTS });
    const demo = createDemoServers({ asIssuer: asSrv.url, mcpServerUrl, idpIssuer: idpSrv.url, partnerIdpIssuer: partnerSrv.url });
    idpSrv.set(idp.handle);
    partnerSrv.set(partner.handle);
    asSrv.set(demo.authorizationServer.handle);
    mcpSrv.set(demo.mcpServer.handle);
    const endpointsOf = (x) => ({ loginEndpoint: x.endpoints.login, tokenEndpoint: x.endpoints.token });
    const outcomes = [];
    for (const email of Object.keys(FLOW_EXPECTED)) {
      const partnerUser = PARTNER_USERS.find((u) => u.email === email);
      const user = partnerUser ?? DEMO_USERS.find((u) => u.email === email);
      const outcome = await runFlow({
        mcpServerUrl, authorizationServer: asSrv.url, idp: endpointsOf(partnerUser ? partner : idp), user,
        ...(partnerUser ? { client: PARTNER_CLIENT } : {}),
      });
      outcomes.push(outcome);
      const problems = unexpected(outcome);
      check(`${email.split('@')[0]}: examples/flow.mjs (MCP SDK client and server) as expected, sub ${outcome.calls.whoami?.subject}`,
        problems.length === 0, problems.join('; '));
    }
    const wrong = await runWrongIdp({ mcpServerUrl, authorizationServer: asSrv.url, idp: endpointsOf(partner), user: PARTNER_USERS[0] });
    const across = unexpectedAcross(outcomes, wrong);
    check('two IdPs: alice and dana (both u-1001) got distinct subjects; dana via the enterprise\'s client refused (allowedIssuers)',
      across.length === 0, across.join('; '));
  } catch (e) {
    check('examples/flow.mjs ran to the end', false, String(e?.stack ?? e).slice(0, 2000));
  } finally {
    await Promise.all(servers.splice(0).map((s) => s.close().catch(() => {})));
  }
  lines.push(`${runtime}: ${passed} passed, ${failed} failed`);
  return { passed, failed, lines };
}
