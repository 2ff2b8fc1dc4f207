// The Grant Inspector. Decodes and lints a pasted ID-JAG with idjag's `inspect`, verifies it
// with `IdJagVerifier` against a pasted or discovered JWKS, and mints valid and broken grants
// with the test issuer (`idjag/testing`). The grant never leaves the page: the only requests
// are for this page's own files and, on request, an IdP's public metadata and JWKS.
import { $, el } from './dom.js';
import { discoverJwks } from './discover.js';
import { CLAIMS, ERRORS, HEADER, RULES, RULE_ID_RE, UNKNOWN_CLAIM, UNKNOWN_HEADER, ruleHref } from './explain.js';
import { duration, relative, renderTimeline, utc } from './timeline.js';

// The playground's cast (the same names as examples/demo.mjs).
const PG = {
  issuer: 'https://idp.example.com',
  audience: 'https://auth.mcp.example.com',
  resource: 'https://mcp.example.com/mcp',
  clientId: 'mcp-client-1',
  subject: 'alice@example.com',
  scope: 'files:read files:write',
};

let idjag; // the 'idjag' module
let testing = null; // the 'idjag/testing' module, when it loads
let current = null; // { token, result } of the last inspection
const nowSec = () => Date.now() / 1000;

// --- boot ----------------------------------------------------------------------------------

async function boot() {
  renderRuleList();
  try {
    idjag = await import('idjag');
    await idjag.ready(); // the wasm loads without top-level await: wait before inspect()
  } catch (e) {
    const banner = $('loading');
    banner.classList.add('banner-error');
    banner.textContent = `Could not load the idjag module (${e?.message ?? e}). Run \`make build\`, then reload.`;
    return;
  }
  $('loading').remove();
  wire();
  try {
    testing = await import('idjag/testing');
    await testing.ready(); // its signing build, before new TestIssuer()
    setUpPlayground();
  } catch (e) {
    $('variant-desc').textContent = `The test issuer (idjag/testing) could not be loaded: ${e?.message ?? e}`;
  }
  document.documentElement.dataset.ready = 'true';
}

function wire() {
  let timer;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(runInspect, 120);
  };
  $('token').addEventListener('input', soon);
  for (const id of ['exp-aud', 'exp-resource', 'exp-client']) $(id).addEventListener('input', soon);
  $('inspect').addEventListener('click', runInspect);
  $('clear').addEventListener('click', () => {
    $('token').value = '';
    $('verdict').replaceChildren();
    runInspect();
    $('token').focus();
  });
  $('verify').addEventListener('click', () => runVerify().catch(crashed));
  $('discover').addEventListener('click', runDiscover);
  // Ctrl/Cmd+Enter in the grant box verifies.
  $('token').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runVerify().catch(crashed);
    }
  });
  // Keep the timeline's "now" moving.
  setInterval(() => {
    if (current?.result?.claims && !$('results').hidden) renderTimeline($('timeline'), current.result.claims, nowSec());
  }, 1000);
}

// --- inspect -------------------------------------------------------------------------------

function expectations() {
  const e = {};
  const aud = $('exp-aud').value.trim();
  const resource = $('exp-resource').value.trim();
  const clientId = $('exp-client').value.trim();
  if (aud) e.audience = aud;
  if (resource) e.resource = resource;
  if (clientId) e.clientId = clientId;
  return e;
}

function runInspect() {
  const token = $('token').value.trim();
  if (!token) {
    current = null;
    $('results').hidden = true;
    return null;
  }
  const result = idjag.inspect(token, { ...expectations(), now: nowSec });
  current = { token, result };
  renderResults(result);
  return result;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

// Each rule id links to its entry in the rulebook (rules.html, from docs/rules.md), in a new tab
// so the grant being inspected stays on the page. Values that are not rulebook ids (a policy
// rule's `policy:<id>`) are shown as they are.
function ruleLinks(rules) {
  const ids = [...new Set(rules.flatMap((r) => String(r).match(RULE_ID_RE) ?? []))];
  const other = rules.map(String).filter((r) => r !== '' && !r.match(RULE_ID_RE));
  return [
    ...ids.map((id) => el('a', {
      class: 'rule', href: ruleHref(id), target: '_blank', rel: 'noopener', title: RULES[id] ?? `Rule ${id} in the rulebook`,
    }, id)),
    ...other.map((r) => el('span', { class: 'rule' }, r)),
  ];
}

function renderResults({ header, claims, findings }) {
  $('results').hidden = false;
  const now = nowSec();

  // Summary: who issued it to whom, and the finding counts.
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  const summary = $('summary');
  summary.replaceChildren();
  if (claims) {
    const aud = Array.isArray(claims.aud) ? claims.aud.join(', ') : claims.aud;
    const bad = new Set(findings.filter((f) => f.severity === 'error' && f.claim).map((f) => f.claim));
    const party = (label, claim, value) =>
      el('span', { class: bad.has(claim) ? 'party party-error' : 'party' }, el('span', { class: 'sub' }, label), text(value));
    summary.append(el('p', { class: 'flow' },
      party('IdP', 'iss', claims.iss),
      el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      party('for user', 'sub', claims.sub),
      el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      party('client', 'client_id', claims.client_id),
      el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      party('authorization server', 'aud', aud)));
  } else {
    summary.append(el('p', { class: 'flow' }, header ? 'The payload could not be decoded.' : 'The grant could not be decoded.'));
  }
  const tally = el('p', { class: 'tally' });
  for (const sev of ['error', 'warning', 'info']) {
    const noun = sev === 'info' || counts[sev] === 1 ? sev : `${sev}s`;
    tally.append(el('span', { class: `count sev-${sev}${counts[sev] ? '' : ' zero'}` }, `${counts[sev]} ${noun}`));
  }
  if (header) tally.append(el('span', { class: 'meta' }, `typ ${text(header.typ)} · alg ${text(header.alg)}`));
  summary.append(tally);

  // Findings, worst first.
  const list = $('findings');
  list.replaceChildren();
  const sorted = [...findings].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
  if (sorted.length === 0) {
    list.append(el('li', { class: 'finding sev-ok' }, el('span', { class: 'badge' }, 'ok'), el('span', { class: 'msg' }, 'Nothing to report.')));
  }
  for (const f of sorted) {
    list.append(el('li', { class: `finding sev-${f.severity}`, 'data-code': f.code },
      el('span', { class: 'badge' }, f.severity),
      el('span', { class: 'msg' }, f.message),
      el('span', { class: 'refs' },
        el('code', { class: 'fcode' }, f.code),
        f.claim && f.claim !== f.code ? el('code', { class: 'fclaim' }, f.claim) : null,
        ruleLinks([f.rule]))));
  }

  // Lifetime.
  if (claims) renderTimeline($('timeline'), claims, now);
  else $('timeline').replaceChildren(el('p', { class: 'hint' }, 'No claims to draw.'));

  // Scopes and resources as chips.
  const chips = $('chips');
  chips.replaceChildren();
  if (claims) {
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const resources = typeof claims.resource === 'string' ? [claims.resource] : Array.isArray(claims.resource) ? claims.resource : [];
    chips.append(
      el('div', { class: 'chip-group' }, el('h3', {}, 'Scopes'),
        scopes.length ? el('ul', { class: 'chips', 'aria-label': 'scopes' }, scopes.map((s) => el('li', { class: 'chip' }, s)))
          : el('p', { class: 'hint' }, claims.scope === undefined ? 'No scope claim.' : 'scope is not a string.')),
      el('div', { class: 'chip-group' }, el('h3', {}, 'Resources'),
        resources.length ? el('ul', { class: 'chips', 'aria-label': 'resources' }, resources.map((r) => el('li', { class: 'chip chip-res' }, text(r))))
          : el('p', { class: 'hint' }, 'No resource claim — EMA authorization servers require one (R33).')));
  }

  $('raw-json').textContent = JSON.stringify({ header, claims }, null, 2);
  fillTable($('header-rows'), header, HEADER, UNKNOWN_HEADER, headerFindings(findings, header), now);
  fillTable($('claim-rows'), claims, CLAIMS, UNKNOWN_CLAIM, findings, now);
}

// Header findings carry no `claim`; attach them to the parameter their code is about.
function headerFindings(findings, header) {
  const out = [];
  for (const f of findings) {
    const params = f.code.startsWith('typ-') ? ['typ']
      : f.code.startsWith('alg-') ? ['alg']
      : f.code === 'crit' || f.code === 'b64' ? [f.code]
      : f.code === 'header-key-reference' ? ['jku', 'x5u', 'jwk', 'x5c']
      : [];
    for (const p of params) if (header && p in header) out.push({ ...f, claim: p });
  }
  return out;
}

function text(v) {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const ORDER = ['typ', 'alg', 'kid', 'iss', 'sub', 'aud', 'client_id', 'resource', 'scope', 'iat', 'nbf', 'exp', 'jti'];

function fillTable(tbody, obj, known, unknown, findings, now) {
  tbody.replaceChildren();
  if (!obj) {
    tbody.append(el('tr', {}, el('td', { colspan: '3', class: 'hint' }, 'Could not be decoded.')));
    return;
  }
  // The claims people look for first come first; the rest keep the token's order.
  const rank = (name) => {
    const i = ORDER.indexOf(name);
    return i === -1 ? ORDER.length : i;
  };
  const entries = Object.entries(obj).sort(([a], [b]) => rank(a) - rank(b));
  for (const [name, value] of entries) {
    const info = known[name] ?? unknown;
    const mine = findings.filter((f) => f.claim === name);
    const worst = mine.reduce((w, f) => Math.min(w, SEVERITY_ORDER[f.severity] ?? 3), 3);
    const valueCell = el('td', { class: 'val' });
    if (typeof value === 'string') valueCell.append(el('span', { class: 'str' }, value));
    else if (value !== null && typeof value === 'object') valueCell.append(el('pre', {}, JSON.stringify(value, null, 2)));
    else valueCell.append(el('span', { class: 'lit' }, JSON.stringify(value)));
    if (info.time && typeof value === 'number') {
      valueCell.append(el('span', { class: 'when' }, `${utc(value)} · ${relative(value, now)}`));
    }
    const meaning = el('td', { class: 'meaning' }, info.what, ' ', ruleLinks(info.rules ?? []));
    for (const f of mine) meaning.append(el('span', { class: `flag sev-${f.severity}` }, f.code));
    tbody.append(el('tr', { class: worst === 0 ? 'row-error' : worst === 1 ? 'row-warning' : undefined },
      el('th', { scope: 'row' }, el('code', {}, name)), valueCell, meaning));
  }
}

function renderRuleList() {
  const dl = $('rule-list');
  for (const [id, what] of Object.entries(RULES)) {
    dl.append(el('div', { class: 'rule-item', id: `rule-${id}` },
      el('dt', {}, el('a', { href: ruleHref(id), target: '_blank', rel: 'noopener', title: `${id} in the rulebook` }, id)),
      el('dd', {}, what)));
  }
}

// --- verify --------------------------------------------------------------------------------

function parseJwks(raw) {
  let doc;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    throw new Error(`the JWKS is not valid JSON (${e.message})`);
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && typeof doc.kty === 'string') {
    return { jwks: { keys: [doc] }, note: 'A single JWK was given; it is used as a one-key JWK Set.' };
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.keys)) throw new Error('the JWKS must be a JSON object with a "keys" array');
  return { jwks: doc, note: null };
}

async function runDiscover() {
  const status = $('discover-status');
  const issuer = $('issuer').value.trim() || (current?.result?.claims?.iss ?? '');
  if (!issuer) {
    status.textContent = 'Enter the IdP issuer (or paste a grant: its iss is used).';
    status.className = 'hint status-error';
    return null;
  }
  if (!$('issuer').value.trim()) $('issuer').value = issuer;
  status.className = 'hint';
  $('discover').disabled = true;
  try {
    const found = await discoverJwks(issuer, { onStep: (s) => { status.textContent = s; } });
    $('jwks').value = JSON.stringify(found.jwks, null, 2);
    const n = found.jwks.keys.length;
    status.replaceChildren(`Found ${n} key${n === 1 ? '' : 's'} at `, el('code', {}, found.jwksUri), ' via ', el('code', {}, found.metadataUrl), '.');
    status.className = 'hint status-ok';
    return found;
  } catch (e) {
    status.textContent = `Discovery failed: ${e.message}`;
    status.className = 'hint status-error';
    return null;
  } finally {
    $('discover').disabled = false;
  }
}

// Something other than an IdJagError (a bug, or the wasm instance failing): say so plainly.
function crashed(e) {
  verdictBox('bad', 'Something went wrong', el('p', { class: 'v-msg' }, e?.message ?? String(e)));
}

function verdictBox(kind, title, ...body) {
  const box = $('verdict');
  box.className = `verdict verdict-${kind}`;
  box.replaceChildren(
    el('p', { class: 'v-title' }, el('span', { class: 'v-icon', 'aria-hidden': 'true' }, { ok: '✓', bad: '✗', warn: '!' }[kind]), title),
    ...body.flat().filter((b) => b !== null && b !== undefined && b !== false),
  );
  return box;
}

/**
 * Verifies the grant in the box with a fresh IdJagVerifier.
 * @param {{ presentations?: number, expected?: string | null }} [opts]
 *   presentations: how many times the same verifier sees the grant (2 shows replay refusal);
 *   expected: the playground variant's expected code (null = accepted), to compare.
 */
async function runVerify({ presentations = 1, expected } = {}) {
  const token = $('token').value.trim();
  if (!token) return verdictBox('warn', 'Paste a grant first.');
  const claims = (current?.token === token ? current.result : runInspect())?.claims ?? {};
  const notes = [];
  const firstAud = typeof claims.aud === 'string' ? claims.aud : Array.isArray(claims.aud) && typeof claims.aud[0] === 'string' ? claims.aud[0] : '';

  const audience = $('exp-aud').value.trim() || firstAud;
  if (!$('exp-aud').value.trim()) notes.push(audience ? 'No authorization server issuer given: using the grant’s own aud, so the audience check proves nothing.' : '');
  const clientId = $('exp-client').value.trim() || (typeof claims.client_id === 'string' ? claims.client_id : '');
  if (!$('exp-client').value.trim()) notes.push(clientId ? 'No client id given: using the grant’s own client_id.' : '');
  const resource = $('exp-resource').value.trim();
  if (!resource) notes.push('No MCP server resource given: the resource check is off (requireResource: false).');
  let issuer = $('issuer').value.trim();
  if (!issuer) {
    issuer = typeof claims.iss === 'string' ? claims.iss : '';
    if (issuer) notes.push('No IdP issuer given: trusting the grant’s own iss with the keys below.');
  }
  if (!audience) return verdictBox('warn', 'Enter the authorization server issuer (the expected aud).');
  if (!issuer) return verdictBox('warn', claims.iss === undefined ? 'Enter the IdP issuer (the grant names none).' : 'Enter the IdP issuer.');
  if (!clientId) return verdictBox('warn', 'Enter the client id.');

  let raw = $('jwks').value.trim();
  if (!raw) {
    if (!$('issuer').value.trim()) $('issuer').value = issuer;
    verdictBox('warn', 'Discovering the IdP’s keys…');
    if (!(await runDiscover())) return verdictBox('bad', 'No keys: discovery failed', el('p', {}, $('discover-status').textContent));
    raw = $('jwks').value.trim();
  }
  let jwks;
  try {
    const parsed = parseJwks(raw);
    jwks = parsed.jwks;
    if (parsed.note) notes.push(parsed.note);
  } catch (e) {
    return verdictBox('bad', 'The keys were not usable', el('p', {}, e.message));
  }

  const options = {
    audience,
    issuers: [{ issuer, jwks }],
    ...(resource ? { resources: [resource] } : { requireResource: false }),
  };
  const optionsView = el('details', { class: 'options' }, el('summary', {}, 'Verifier options used'),
    el('pre', {}, JSON.stringify({ ...options, issuers: [{ issuer, jwks: `{ ${jwks.keys.length} key(s) }` }] }, null, 2)),
    el('p', { class: 'hint' }, `verify(grant, { clientId: ${JSON.stringify(clientId)} })`));
  const noteList = notes.filter(Boolean).length
    ? el('ul', { class: 'notes' }, notes.filter(Boolean).map((n) => el('li', {}, n)))
    : null;

  let verifier;
  try {
    verifier = new idjag.IdJagVerifier(options);
  } catch (e) {
    if (!(e instanceof idjag.IdJagError)) throw e;
    return verdictBox('bad', 'The verifier refused its configuration',
      codeLine(e), el('p', { class: 'v-msg' }, e.message), el('p', { class: 'hint' }, ERRORS[e.code] ?? ''), noteList, optionsView);
  }

  let grant = null;
  let error = null;
  const seen = [];
  for (let i = 0; i < presentations; i++) {
    try {
      grant = await verifier.verify(token, { clientId });
      seen.push('accepted');
    } catch (e) {
      if (!(e instanceof idjag.IdJagError)) throw e;
      error = e;
      seen.push(e.code);
      break;
    }
  }
  const replayNote = presentations > 1
    ? el('p', { class: 'hint' }, `Presented ${seen.length} times to the same verifier: ${seen.join(', then ')}.`)
    : null;
  const expectation = expected === undefined ? null : expectedLine(expected, error ? error.code : null);

  if (!error) {
    return verdictBox('ok', 'Accepted',
      el('dl', { class: 'grant' },
        el('dt', {}, 'subject'), el('dd', {}, grant.subject),
        el('dt', {}, 'client'), el('dd', {}, grant.clientId),
        el('dt', {}, 'scopes'), el('dd', {}, grant.scopes.length ? el('ul', { class: 'chips' }, grant.scopes.map((s) => el('li', { class: 'chip' }, s))) : '(none)'),
        el('dt', {}, 'resources'), el('dd', {}, grant.resources.length ? el('ul', { class: 'chips' }, grant.resources.map((r) => el('li', { class: 'chip chip-res' }, r))) : '(none)'),
        grant.tenant ? [el('dt', {}, 'tenant'), el('dd', {}, grant.tenant)] : null,
        el('dt', {}, 'expires'), el('dd', {}, `${relative(grant.expiresAt, nowSec())} (${utc(grant.expiresAt)})`)),
      expectation, replayNote, noteList, optionsView);
  }
  return verdictBox('bad', 'Refused',
    codeLine(error),
    el('p', { class: 'v-msg' }, error.message),
    el('p', { class: 'hint' }, ERRORS[error.code] ?? ''),
    expectation, replayNote, noteList, optionsView);
}

function codeLine(e) {
  return el('p', { class: 'v-codes' },
    el('code', { class: 'v-code', 'data-code': e.code }, e.code),
    e.oauthError ? el('span', { class: 'v-oauth' }, 'OAuth error ', el('code', {}, e.oauthError)) : el('span', { class: 'v-oauth' }, 'no OAuth error (configuration)'),
    e.claim ? el('span', { class: 'v-oauth' }, 'claim ', el('code', {}, e.claim)) : null);
}

function expectedLine(expected, got) {
  const want = expected ?? 'accepted';
  const have = got ?? 'accepted';
  const ok = want === have;
  return el('p', { class: `expected ${ok ? 'expected-ok' : 'expected-bad'}` },
    `Playground: this variant should be ${want === 'accepted' ? 'accepted' : `refused with ${want}`} — `,
    el('strong', {}, ok ? 'as expected ✓' : `but the verifier answered ${have} ✗`));
}

// --- playground ----------------------------------------------------------------------------

let testIssuer = null;
let variants = [];

function setUpPlayground() {
  variants = testing.TestIssuer.variants ?? [];
  const select = $('variant');
  select.replaceChildren(...variants.map((v) => el('option', { value: v.name }, v.code ? `${v.name} → ${v.code}` : `${v.name} → accepted`)));
  const describe = () => {
    const v = variants.find((x) => x.name === select.value);
    $('variant-desc').textContent = v ? v.description : '';
  };
  select.addEventListener('change', describe);
  describe();
  select.disabled = false;
  $('mint').disabled = false;
  $('mint').addEventListener('click', mintAndVerify);
}

async function mintAndVerify() {
  const name = $('variant').value;
  const variant = variants.find((v) => v.name === name);
  const button = $('mint');
  button.disabled = true;
  try {
    testIssuer ??= await new testing.TestIssuer({ issuer: PG.issuer });
    const params = { audience: PG.audience, clientId: PG.clientId, subject: PG.subject, resource: PG.resource, scope: PG.scope };
    let token;
    if (name === 'valid') token = await testIssuer.mint(params);
    else {
      if (name === 'replayed') await testIssuer.mint(params); // `replayed` repeats the previous valid mint
      token = await testIssuer.mintVariant(name, params);
    }
    $('token').value = token;
    $('exp-aud').value = PG.audience;
    $('exp-resource').value = PG.resource;
    $('exp-client').value = PG.clientId;
    $('issuer').value = PG.issuer;
    $('jwks').value = JSON.stringify(await testIssuer.jwks(), null, 2);
    $('discover-status').textContent = '';
    runInspect();
    await runVerify({ presentations: variant?.code === 'ERR_REPLAY' ? 2 : 1, expected: variant?.code ?? null });
  } catch (e) {
    verdictBox('bad', 'The playground failed', el('p', {}, e?.message ?? String(e)));
  } finally {
    button.disabled = false;
  }
}

boot();
