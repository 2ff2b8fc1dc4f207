// Audit events of the token endpoint: one per decision, accepted or refused. Token-free, with
// OpenTelemetry-style attribute names; the subject is pseudonymised (hashed with the issuer and
// an optional salt) unless `audit.hashSubject` is false. The detailed reason goes here, never
// to the client (design.md "Errors on the wire are generic").
import { fullCore, hashSubject, inspect } from '../core-full.js';

const MAX_VALUE = 128;

// Values from a refused (unverified) grant are attacker-chosen: bound them.
function bounded(v) {
  if (typeof v !== 'string') return undefined;
  return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v;
}

/** What can be read from a grant that was refused, marked as unverified. */
export function unverifiedFacts(assertion) {
  if (typeof assertion !== 'string') return {};
  let claims = null;
  try {
    claims = fullCore.call(() => JSON.parse(inspect(assertion, undefined)))?.claims ?? null;
  } catch {
    return {};
  }
  if (claims === null || typeof claims !== 'object') return {};
  return {
    issuer: bounded(claims.iss),
    subject: bounded(claims.sub),
    jti: bounded(claims.jti),
  };
}

/**
 * @param {{ hashSubject?: boolean, salt?: string }} auditOptions
 * @param {object} d the decision: outcome, status, oauthError?, code?, reason?, rule?, checks,
 *   clientId?, authMethod?, issuer?, subject?, jti?, resource?, granted?, dropped?,
 *   accessTokenJti?, accessTokenSubject?, verified
 */
export function decisionEvent(auditOptions, d) {
  const e = {
    'event.name': 'idjag.token_request',
    'event.outcome': d.outcome,
    time: new Date(d.timeMs).toISOString(),
    'http.response.status_code': d.status,
    'idjag.checks': d.checks,
  };
  if (d.outcome === 'failure') {
    e['error.type'] = d.code ?? d.oauthError;
    e['oauth.error'] = d.oauthError;
    if (d.reason) e['idjag.reason'] = d.reason;
    if (d.rule) e['idjag.rule'] = d.rule;
  }
  if (d.clientId) e['oauth.client.id'] = bounded(d.clientId);
  if (d.authMethod) e['oauth.client.auth_method'] = d.authMethod;
  if (d.issuer) e['idjag.grant.issuer'] = d.issuer;
  if (d.jti) e['idjag.grant.jti'] = d.jti;
  if (d.subject) {
    if (auditOptions.hashSubject === false) e['user.id'] = d.subject;
    else e['user.hash'] = fullCore.call(() => hashSubject(d.issuer ?? '', d.subject, auditOptions.salt ?? ''));
  }
  if (d.issuer || d.subject || d.jti) e['idjag.grant.verified'] = d.verified === true;
  if (d.resource) e['idjag.resource'] = d.resource;
  if (d.granted) e['idjag.scopes.granted'] = d.granted;
  if (d.dropped) e['idjag.scopes.dropped'] = d.dropped;
  if (d.accessTokenJti) e['idjag.access_token.jti'] = d.accessTokenJti;
  // Issue 11: the subject the MCP servers see (IdP-qualified or a mapped local account). Like
  // user.id, it names the user: only when subjects are not hashed.
  if (d.accessTokenSubject && auditOptions.hashSubject === false) e['idjag.access_token.sub'] = d.accessTokenSubject;
  return e;
}
