// The admin policy of the demo IdP (policy.json): which groups may get an ID-JAG for which
// application — an MCP server (`resource`) behind its authorization server (`audience`) —
// with which scopes. Pure functions, no I/O.

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Checks the policy and binds each application to its URLs (from `bindings`, else from the
 * policy file itself).
 * @param {{ apps: Record<string, { audience?: string, resource?: string, rules: Array<{ group: string, scopes: string[] }> }> }} policy
 * @param {Record<string, { audience?: string, resource?: string }>} [bindings]
 * @returns {Array<{ name: string, audience: string, resource: string, rules: Array<{ group: string, scopes: string[] }> }>}
 */
export function loadPolicy(policy, bindings = {}) {
  if (!isObject(policy) || !isObject(policy.apps)) throw new TypeError('policy: apps must be an object');
  if (!isObject(bindings)) throw new TypeError('apps: must be an object of { audience, resource } by app name');
  for (const name of Object.keys(bindings)) {
    if (!Object.hasOwn(policy.apps, name)) throw new TypeError(`apps: the policy has no app named ${JSON.stringify(name)}`);
  }
  const apps = Object.entries(policy.apps).map(([name, app]) => {
    const audience = bindings[name]?.audience ?? app.audience;
    const resource = bindings[name]?.resource ?? app.resource;
    for (const [what, url] of [['audience', audience], ['resource', resource]]) {
      if (typeof url !== 'string' || !URL.canParse(url) || new URL(url).hash) {
        throw new TypeError(`policy: app ${name} needs an absolute ${what} url (bind it with apps.${name}.${what})`);
      }
    }
    const rulesOk = Array.isArray(app.rules) && app.rules.every((r) => isObject(r) && typeof r.group === 'string'
      && Array.isArray(r.scopes) && r.scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s)));
    if (!rulesOk) throw new TypeError(`policy: app ${name} needs rules: [{ group, scopes: [...] }]`);
    return { name, audience, resource, rules: app.rules };
  });
  // X6: one application per (audience, resource) pair.
  const pairs = new Set(apps.map((a) => `${a.audience} ${a.resource}`));
  if (pairs.size !== apps.length) throw new TypeError('policy: two apps share an (audience, resource) pair');
  return apps;
}

/**
 * X5, X6 (EMA-SEC §7.6.1): the application registered for this (audience, resource) pair.
 * Comparison is exact (RFC 8414 issuer, RFC 8707 resource identifiers; O29). Without a
 * `resource` the audience must name exactly one application.
 * @returns {{ app: object } | { reason: string }}
 */
export function findApp(apps, audience, resource) {
  const forAudience = apps.filter((a) => a.audience === audience);
  if (forAudience.length === 0) return { reason: 'audience is not the issuer of a registered authorization server' };
  if (resource === undefined) {
    return forAudience.length === 1
      ? { app: forAudience[0] }
      : { reason: 'that authorization server protects several resources: name one' };
  }
  const app = forAudience.find((a) => a.resource === resource);
  return app ? { app } : { reason: 'resource is not protected by that authorization server' };
}

/** The scopes the user's groups allow for `app`: the union of the rules naming one of them. */
export function allowedScopes(app, groups) {
  const allowed = new Set();
  for (const rule of app.rules) {
    if (groups.includes(rule.group)) for (const s of rule.scopes) allowed.add(s);
  }
  return [...allowed];
}
