// runFlow(): one user of the MCP client, end to end through Enterprise-Managed Authorization:
//
//   1. sign in at the enterprise IdP (the demo login: an ID token for this client)
//   2. connect to the MCP server with the SDK's CrossAppAccessProvider: the first call is 401,
//      the SDK discovers the authorization server (RFC 9728, RFC 8414), asks our `assertion`
//      callback for an ID-JAG — idjag's requestIdJag, an RFC 8693 token exchange at the IdP —
//      and trades it for an access token (RFC 7523 jwt-bearer)
//   3. list the tools, call whoami (who the access token says the user is: its `sub` and the IdP),
//      read_file and write_file (each needs its own scope)
//   4. present the first ID-JAG again: the authorization server must refuse it (R29)
//
// runWrongIdp(): a partner user's ID-JAG for the enterprise's client, which the authorization
// server takes from the enterprise IdP only (allowedIssuers): refused, invalid_grant.
// unexpectedAcross(): what must hold across users — alice and dana are both `u-1001` at their
// IdPs, and their access tokens must name two different users.
//
// It returns what happened, and reports every HTTP exchange (tokens as previews and decoded
// claims only) and every grant finding to `log`. Runtime-neutral: no Node API, so a Deno or
// Bun test can run it against servers it started itself.
import { Client, CrossAppAccessProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { discover, exchangeIdJag, OAuthResponseError, requestIdJag } from 'idjag';
import { demoLogin } from './idp/demo-login.js';
import { tracingFetch } from './lib/trace.js';

const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

/**
 * The demo MCP client's registrations: at the IdP (examples/idp/idp.js DEMO_CLIENTS), and at
 * the MCP authorization server (examples/mcp-server DEMO_AS_CLIENT) — configured on each side,
 * as two parties would; the e2e test fails if they drift apart.
 */
export const DEMO_CLIENT = Object.freeze({
  idp: { clientId: 'mcp-demo-client', clientSecret: 'mcp-demo-client-idp-secret' },
  as: { clientId: 'mcp-demo-client-at-files', clientSecret: 'mcp-demo-client-as-secret' },
});

/** The partner company's deployment of the client: at the partner IdP (examples/idp/partner.js) and at the AS (PARTNER_AS_CLIENT). */
export const PARTNER_CLIENT = Object.freeze({
  idp: { clientId: 'partner-mcp-client', clientSecret: 'partner-mcp-client-idp-secret' },
  as: { clientId: 'partner-mcp-client-at-files', clientSecret: 'partner-mcp-client-as-secret' },
});

/**
 * The enterprise's client as the partner IdP also knows it (a partner admin connected it): its
 * ID-JAGs name the enterprise's client at the AS, which takes that client's grants from the
 * enterprise IdP only.
 */
export const ENTERPRISE_CLIENT_AT_PARTNER = Object.freeze({
  idp: { clientId: 'mcp-demo-client', clientSecret: 'mcp-demo-client-partner-idp-secret' },
  as: DEMO_CLIENT.as,
});

/**
 * What must happen for each demo user: engineering may read, admins may also write (the
 * enterprise IdP); the partner's contractors may read (the partner IdP). Everyone's `whoami`
 * answers, and everyone's first ID-JAG is refused when presented again.
 */
export const EXPECTED = Object.freeze({
  'alice@example.com': { whoami: 'ok', read_file: 'ok', write_file: 'insufficient_scope', replay: 'invalid_grant' },
  'bob@example.com': { whoami: 'ok', read_file: 'ok', write_file: 'ok', replay: 'invalid_grant' },
  'dana@partner.example': { whoami: 'ok', read_file: 'ok', write_file: 'insufficient_scope', replay: 'invalid_grant' },
});

/** What must hold across the users (unexpectedAcross). */
export const EXPECTED_ACROSS = Object.freeze({
  // Both `u-1001`, at two IdPs: their access tokens must name two users, `<IdP iss>#u-1001` each.
  distinct_subjects: Object.freeze(['alice@example.com', 'dana@partner.example']),
  // runWrongIdp: dana's ID-JAG for the enterprise's client is refused (allowedIssuers).
  wrong_idp: 'invalid_grant',
});

const TOOL_CALLS = (user) => [
  ['whoami', {}],
  ['read_file', { path: 'welcome.txt' }],
  ['write_file', { path: `notes/${user.email}.txt`, content: 'hello' }],
];

/**
 * @param {{
 *   mcpServerUrl: string,
 *   authorizationServer: string,  // the issuer this client is registered at (the SDK's expectedIssuer)
 *   idp: { loginEndpoint: string, tokenEndpoint: string },
 *   user: { email: string, password: string },
 *   client?: typeof DEMO_CLIENT,
 *   stepUp?: boolean,  // on 403 insufficient_scope, let the SDK ask for the missing scope once (default false)
 *   log?: (event: { type: 'step', title: string } | { type: 'http', kind: string, request: object, response: object, tokens: object[] }
 *                | { type: 'findings', findings: object[] } | { type: 'outcome', tool?: string, outcome: object }) => void,
 *   fetch?: typeof fetch,
 * }} options
 * @returns {Promise<{ user: string, tools: string[], calls: Record<string, object>, replay: object, grants: number }>}
 *   `calls.whoami` (when ok): `{ result: 'ok', subject, idpIssuer, idpSubject }`, what the MCP server saw
 */
export async function runFlow({
  mcpServerUrl, authorizationServer, idp, user, client = DEMO_CLIENT, stepUp = false, log = () => {}, fetch = globalThis.fetch,
}) {
  const emit = (event) => {
    try {
      log(event);
    } catch {
      // a failing printer must not change the flow
    }
  };
  let lastMcp = null;
  let tokenJustIssued = false;
  const traced = tracingFetch({
    fetch,
    mcpServerUrl,
    onRequest: ({ kind }) => {
      if (kind.startsWith('mcp') && tokenJustIssued) emit({ type: 'step', title: 'back to the MCP server, with the access token' });
      if (kind.startsWith('mcp')) tokenJustIssued = false;
    },
    onExchange: (exchange) => {
      if (exchange.kind.startsWith('mcp')) lastMcp = exchange;
      emit({ type: 'http', ...exchange });
      if (exchange.kind === 'as.token' && exchange.response.status === 200) tokenJustIssued = true;
    },
  });

  emit({ type: 'step', title: 'sign in at the IdP (demo login: an ID token for this client)' });
  const idToken = await demoLogin({
    loginEndpoint: idp.loginEndpoint, username: user.email, password: user.password,
    clientId: client.idp.clientId, clientSecret: client.idp.clientSecret, fetch: traced,
  });

  // The ID-JAGs this client got, kept only to show that a second presentation fails.
  const grants = [];
  const authProvider = new CrossAppAccessProvider({
    // ctx: the authorization server the SDK discovered, the resource, every advertised scope.
    assertion: async (ctx) => {
      const again = grants.length > 0 ? 'step-up: ' : '';
      emit({ type: 'step', title: `${again}an ID-JAG from the IdP (RFC 8693 token exchange), scope "${ctx.scope ?? ''}"` });
      const { grant, findings } = await requestIdJag({
        tokenEndpoint: idp.tokenEndpoint,
        audience: ctx.authorizationServerUrl,
        resource: ctx.resourceUrl,
        scope: ctx.scope,
        subjectToken: idToken,
        subjectTokenType: ID_TOKEN,
        clientId: client.idp.clientId,
        clientSecret: client.idp.clientSecret,
        grantClientId: client.as.clientId, // inspect() checks the grant names us as the AS knows us
        fetch: ctx.fetchFn,
      });
      emit({ type: 'findings', findings });
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length > 0) throw new Error(`the IdP's grant would be refused: ${errors.map((f) => f.code).join(', ')}`);
      grants.push(grant);
      emit({ type: 'step', title: `${again}an access token from the authorization server (RFC 7523 jwt-bearer)` });
      return grant;
    },
    clientId: client.as.clientId,
    clientSecret: client.as.clientSecret,
    expectedIssuer: authorizationServer, // credentials go to this server only, whatever the MCP server says
    fetchFn: traced,
  });

  const mcp = new Client({ name: 'idjag-demo-client', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcpServerUrl), {
    authProvider,
    fetch: traced,
    // The SDK's default re-runs the whole exchange for the missing scope (SEP-2350 step-up); the
    // IdP's policy decides again, the same way. Off by default to keep the trace short.
    onInsufficientScope: stepUp ? 'reauthorize' : 'throw',
  });
  const outcome = { user: user.email, tools: [], calls: {}, replay: null, grants: 0 };
  try {
    emit({ type: 'step', title: 'connect: no token yet, so 401 and discovery (RFC 9728, RFC 8414)' });
    await mcp.connect(transport);
    emit({ type: 'step', title: 'tools/list' });
    outcome.tools = (await mcp.listTools()).tools.map((t) => t.name);

    for (const [tool, args] of TOOL_CALLS(user)) {
      emit({ type: 'step', title: `tools/call ${tool}` });
      let result;
      try {
        const r = await mcp.callTool({ name: tool, arguments: args });
        result = r.isError
          ? { result: 'tool_error', text: r.content?.[0]?.text }
          : { result: 'ok', text: r.content?.[0]?.text };
        if (tool === 'whoami' && result.result === 'ok') {
          const who = r.structuredContent; // { sub, idp, idp_sub }, checked by the SDK against the tool's outputSchema
          result = typeof who?.sub === 'string'
            ? { result: 'ok', subject: who.sub, idpIssuer: who.idp, idpSubject: who.idp_sub }
            : { result: 'bad_answer', text: result.text };
        }
      } catch (e) {
        // The refusal as the wire said it: the status and the Bearer challenge's error.
        const wire = lastMcp?.request?.rpc?.some((m) => m.name === tool) ? lastMcp.response : null;
        const challenge = wire?.challenge;
        result = {
          result: challenge?.error ?? e?.name ?? 'error',
          ...(wire ? { status: wire.status } : {}),
          ...(challenge?.scope ? { scope: challenge.scope } : {}),
          message: String(e?.message ?? e).slice(0, 160),
        };
      }
      outcome.calls[tool] = result;
      emit({ type: 'outcome', tool, outcome: result, expected: EXPECTED[user.email]?.[tool] });
    }
  } finally {
    await mcp.close().catch(() => {});
  }

  // R29: the grant is single-use. Present the first one again, straight to the token endpoint.
  emit({ type: 'step', title: 'replay: the first ID-JAG presented again' });
  outcome.grants = grants.length;
  if (grants.length === 0) {
    outcome.replay = { result: 'no_grant' };
  } else {
    // Where to send it: discovery again (untraced: the SDK's discovery is shown above).
    const found = await discover(mcpServerUrl, { fetch });
    if (found.authorizationServer !== authorizationServer) throw new Error('the MCP server names another authorization server');
    const { metadata } = found;
    try {
      await exchangeIdJag({
        tokenEndpoint: metadata.token_endpoint, grant: grants[0], resource: mcpServerUrl,
        clientId: client.as.clientId, clientSecret: client.as.clientSecret, fetch: traced,
      });
      outcome.replay = { result: 'accepted' };
    } catch (e) {
      if (!(e instanceof OAuthResponseError)) throw e;
      outcome.replay = { result: e.error, status: e.status };
    }
  }
  emit({ type: 'outcome', tool: 'replay', outcome: outcome.replay, expected: EXPECTED[user.email]?.replay });
  return outcome;
}

/**
 * The differences between what happened and {@link EXPECTED} (empty when all is as expected).
 * @param {Awaited<ReturnType<typeof runFlow>>} outcome
 */
export function unexpected(outcome, expected = EXPECTED[outcome.user]) {
  if (!expected) return [`no expectations for ${outcome.user}`];
  const problems = [];
  for (const tool of ['whoami', 'read_file', 'write_file'].filter((t) => t in expected)) {
    if (!outcome.tools.includes(tool)) problems.push(`${outcome.user}: tool ${tool} not listed`);
    const got = outcome.calls[tool]?.result;
    if (got !== expected[tool]) problems.push(`${outcome.user}: ${tool} expected ${expected[tool]}, got ${got}`);
  }
  const who = outcome.calls.whoami;
  if (who?.result === 'ok' && !(typeof who.subject === 'string' && who.subject !== '' && typeof who.idpIssuer === 'string')) {
    problems.push(`${outcome.user}: whoami named no subject or no IdP`);
  }
  if (expected.write_file === 'insufficient_scope' && outcome.calls.write_file?.status !== 403) {
    problems.push(`${outcome.user}: write_file expected HTTP 403, got ${outcome.calls.write_file?.status}`);
  }
  if (outcome.replay?.result !== expected.replay) problems.push(`${outcome.user}: replay expected ${expected.replay}, got ${outcome.replay?.result}`);
  return problems;
}

/**
 * What must hold across users ({@link EXPECTED_ACROSS}): the two `u-1001` users got distinct
 * access-token subjects, each `<IdP iss>#<IdP sub>`; no two users share a subject; and the
 * partner IdP's grant for the enterprise's client was refused. Empty when all is as expected.
 * @param {Array<Awaited<ReturnType<typeof runFlow>>>} outcomes
 * @param {{ result: string } | null} wrongIdp  runWrongIdp's outcome
 */
export function unexpectedAcross(outcomes, wrongIdp, expected = EXPECTED_ACROSS) {
  const problems = [];
  const whoOf = (email) => outcomes.find((o) => o.user === email)?.calls.whoami;
  const [a, b] = expected.distinct_subjects;
  const [wa, wb] = [whoOf(a), whoOf(b)];
  if (wa?.result !== 'ok' || wb?.result !== 'ok') {
    problems.push(`distinct subjects: no whoami answer for ${wa?.result === 'ok' ? b : a}`);
  } else if (wa.idpSubject !== wb.idpSubject || wa.idpIssuer === wb.idpIssuer) {
    problems.push(`distinct subjects: ${a} and ${b} should be the same sub at two IdPs, got ${wa.idpSubject} at ${wa.idpIssuer} and ${wb.idpSubject} at ${wb.idpIssuer}`);
  } else if (wa.subject === wb.subject) {
    problems.push(`distinct subjects: ${a} and ${b} got the same access-token subject ${wa.subject}`);
  } else {
    for (const w of [wa, wb]) {
      if (w.subject !== `${w.idpIssuer}#${w.idpSubject}`) problems.push(`distinct subjects: ${w.subject} is not <IdP iss>#<IdP sub>`);
    }
  }
  const seen = new Map();
  for (const o of outcomes) {
    const subject = o.calls.whoami?.subject;
    if (subject === undefined) continue;
    const pair = [seen.get(subject), o.user];
    const named = pair.includes(a) && pair.includes(b); // already reported above
    if (seen.has(subject) && seen.get(subject) !== o.user && !named) problems.push(`${pair[0]} and ${pair[1]} share the subject ${subject}`);
    seen.set(subject, o.user);
  }
  if (wrongIdp?.result !== expected.wrong_idp) {
    problems.push(`wrong IdP: expected ${expected.wrong_idp}, got ${wrongIdp?.result ?? 'nothing'}`);
  }
  return problems;
}

/**
 * A partner user signs in at the partner IdP through the enterprise's client (which that IdP
 * also knows: `client` = ENTERPRISE_CLIENT_AT_PARTNER), gets an ID-JAG naming the enterprise's
 * client and presents it at the authorization server, which takes that client's grants from the
 * enterprise IdP only (allowedIssuers): `{ result: 'invalid_grant', status: 400 }` expected.
 * Checked before the grant's jti is consumed, so a refusal never burns a grant.
 * @param {Omit<Parameters<typeof runFlow>[0], 'stepUp'>} options
 * @returns {Promise<{ user: string, result: string, status?: number }>}
 */
export async function runWrongIdp({
  mcpServerUrl, authorizationServer, idp, user, client = ENTERPRISE_CLIENT_AT_PARTNER, log = () => {}, fetch = globalThis.fetch,
}) {
  const emit = (event) => {
    try {
      log(event);
    } catch {
      // a failing printer must not change the flow
    }
  };
  const traced = tracingFetch({ fetch, mcpServerUrl, onExchange: (exchange) => emit({ type: 'http', ...exchange }) });
  emit({ type: 'step', title: `sign in at the IdP through another company's client (${client.idp.clientId})` });
  const idToken = await demoLogin({
    loginEndpoint: idp.loginEndpoint, username: user.email, password: user.password,
    clientId: client.idp.clientId, clientSecret: client.idp.clientSecret, fetch: traced,
  });
  const found = await discover(mcpServerUrl, { fetch }); // untraced: shown in the flows above
  if (found.authorizationServer !== authorizationServer) throw new Error('the MCP server names another authorization server');
  emit({ type: 'step', title: `an ID-JAG naming that client at the AS (${client.as.clientId})` });
  const { grant, findings } = await requestIdJag({
    tokenEndpoint: idp.tokenEndpoint, audience: authorizationServer, resource: mcpServerUrl, scope: 'files.read',
    subjectToken: idToken, subjectTokenType: ID_TOKEN, clientId: client.idp.clientId, clientSecret: client.idp.clientSecret,
    grantClientId: client.as.clientId, fetch: traced,
  });
  emit({ type: 'findings', findings });
  emit({ type: 'step', title: 'the AS: that client\'s grants must come from its own company\'s IdP (allowedIssuers)' });
  let outcome;
  try {
    await exchangeIdJag({
      tokenEndpoint: found.metadata.token_endpoint, grant, resource: mcpServerUrl,
      clientId: client.as.clientId, clientSecret: client.as.clientSecret, fetch: traced,
    });
    outcome = { user: user.email, result: 'accepted' };
  } catch (e) {
    if (!(e instanceof OAuthResponseError)) throw e;
    outcome = { user: user.email, result: e.error, status: e.status };
  }
  emit({ type: 'outcome', tool: 'wrong_idp', outcome, expected: EXPECTED_ACROSS.wrong_idp });
  return outcome;
}
