// Prints the EMA flow the way a person debugging it wants to read it: each step a header,
// each HTTP exchange its request and response lines, each token decoded (header and claims;
// the signature elided, the token itself only as a preview), and each decision of the IdP,
// the authorization server and the MCP server as one JSON line. Runtime-neutral: it only
// builds strings and hands them to `write`.
//
//   const printer = createFlowPrinter({ origins: { IdP: idp.url, IdP2: partnerIdp.url, AS: asIssuer, MCP: mcpOrigin } });
//   printer.decision('as', event)   // from the servers' onDecision / the IdPs' logs ('idp', 'idp2', 'as', 'mcp')
//   printer.flow(event)             // from runFlow's log

const URN_OAUTH = 'urn:ietf:params:oauth:';

/** @param {{ write?: (line: string) => void, origins?: Record<string, string>, color?: boolean }} [options] */
export function createFlowPrinter({ write = (line) => console.log(line), origins = {}, color = false } = {}) {
  const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const bold = paint('1');
  const dim = paint('2');
  const red = paint('31');
  const green = paint('32');
  const cyan = paint('36');
  const yellow = paint('33');
  let step = 0;
  const pending = []; // server decisions, printed after the exchange that caused them
  const width = Math.max(3, ...Object.keys(origins).map((name) => name.length)); // IdP, IdP2, AS, MCP

  /** `IdP POST /token` instead of the full URL, when the origin is a known server. */
  function where(url) {
    const u = new URL(url);
    for (const [name, origin] of Object.entries(origins)) {
      if (u.origin === new URL(origin).origin) return `${name.padEnd(width)} ${u.pathname}${u.search}`;
    }
    return u.href;
  }

  const short = (v) => (typeof v === 'string' && v.startsWith(URN_OAUTH) ? `…:${v.slice(URN_OAUTH.length).split(':').pop()}` : v);
  // Quotes values with spaces (a scope list), not the <token labels> of trace.js.
  const q = (v) => (typeof v === 'string' && /\s/.test(v) && !v.startsWith('<') ? JSON.stringify(v) : v);
  const status = (n) => (n >= 400 ? red(String(n)) : n >= 300 ? yellow(String(n)) : green(String(n)));

  function flushDecisions() {
    for (const { source, event } of pending.splice(0)) {
      const { time, ...rest } = event;
      // The full list of checks is only interesting when one of them failed (the last one).
      if (rest['event.outcome'] === 'success') delete rest['idjag.checks'];
      const tag = rest['event.outcome'] === 'failure' || (rest.status ?? 200) >= 400 ? red('◆') : cyan('◆');
      write(`    ${tag} ${dim(source.padEnd(width))} ${JSON.stringify(rest)}`);
    }
  }

  function token(t) {
    write(`      ${bold(t.name)} ${t.preview}  ${dim('(signature elided)')}`);
    if (t.header) write(`        header ${JSON.stringify(t.header)}`);
    if (t.claims) write(`        claims ${JSON.stringify(t.claims)}`);
  }

  function requestLine(ex) {
    const { request } = ex;
    const parts = [`${request.method.padEnd(4)} ${where(request.url)}`];
    if (request.rpc) {
      for (const m of request.rpc) {
        parts.push(`${m.method}${m.name ? ` ${m.name}` : ''}${m.arguments ? ` ${JSON.stringify(m.arguments)}` : ''}`);
      }
    }
    if (request.form) {
      for (const [k, v] of Object.entries(request.form)) parts.push(`${k}=${q(short(v))}`);
    }
    if (request.authorization) parts.push(dim(request.authorization));
    else if (ex.kind.startsWith('mcp')) parts.push(dim('(no token)'));
    return `  → ${parts.join('  ')}`;
  }

  function responseSummary(ex) {
    const { response, kind } = ex;
    const json = response.json ?? {};
    if (response.wwwAuthenticate) return `WWW-Authenticate: ${response.wwwAuthenticate}`;
    if (kind.startsWith('mcp')) return mcpSummary(ex);
    if (response.status >= 400) return JSON.stringify(json);
    switch (kind) {
      case 'discovery.resource':
        return `resource=${json.resource}  authorization_servers=${JSON.stringify(json.authorization_servers)}  scopes_supported=${JSON.stringify(json.scopes_supported)}`;
      case 'discovery.authorization_server':
        return `issuer=${json.issuer}  token_endpoint=${json.token_endpoint}  authorization_grant_profiles_supported=${JSON.stringify((json.authorization_grant_profiles_supported ?? []).map(short))}`;
      case 'idp.login':
        return `expires_in=${json.expires_in}`;
      case 'idp.token_exchange':
        return `issued_token_type=${short(json.issued_token_type)}  token_type=${json.token_type}  expires_in=${json.expires_in}  scope=${q(json.scope)}`;
      case 'as.token':
        return `token_type=${json.token_type}  expires_in=${json.expires_in}  scope=${q(json.scope)}  resource=${json.resource ?? '-'}`;
      default:
        return mcpSummary(ex);
    }
  }

  function mcpSummary(ex) {
    const { response } = ex;
    if (response.status === 202) return '(accepted)';
    if (ex.kind === 'mcp.get' && response.status === 405) return '(no server-to-client stream: a stateless server)';
    const [message] = response.rpc ?? [];
    const result = message?.result;
    if (message?.error) return `JSON-RPC error ${message.error.code}: ${message.error.message}`;
    if (!result) return '';
    if (result.serverInfo) return `${result.serverInfo.name} ${result.serverInfo.version}, protocol ${result.protocolVersion}`;
    if (result.tools) return `tools: ${result.tools.map((t) => t.name).join(', ')}`;
    if (result.content) {
      const text = result.content.map((c) => c.text ?? `[${c.type}]`).join(' ').trim();
      return `${result.isError ? red('tool error: ') : ''}${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}`;
    }
    return JSON.stringify(result).slice(0, 100);
  }

  return {
    /** A user's banner. */
    user(email, note = '') {
      step = 0;
      write('');
      write(bold(`━━ ${email}${note ? ` ${dim(note)}` : ''} ${'━'.repeat(Math.max(4, 72 - email.length - note.length))}`));
    },

    /** A decision of a server (`idp`, `as`, `mcp`): printed after the exchange it answered. */
    decision(source, event) {
      pending.push({ source, event });
    },

    /** An event of runFlow's `log`. */
    flow(event) {
      switch (event.type) {
        case 'step':
          flushDecisions();
          step += 1;
          write(bold(`${String(step).padStart(2)} · ${event.title}`));
          break;
        case 'http': {
          const received = event.tokens.filter((x) => !x.sent);
          // Discovery and MCP traffic that went well fits on one line; the rest gets two.
          const oneLine = received.length === 0 && (event.kind === 'mcp.get'
            || (event.response.status < 400 && (event.kind.startsWith('discovery') || event.kind.startsWith('mcp'))));
          const answer = `← ${status(event.response.status)}  ${responseSummary(event)}`;
          if (oneLine) {
            write(`${requestLine(event)}  ${answer}`);
          } else {
            write(requestLine(event));
            write(`  ${answer}`);
          }
          for (const t of received) token(t);
          // The IdP's decision is printed after the findings about its grant (the next event).
          if (!(event.kind === 'idp.token_exchange' && event.response.status === 200)) flushDecisions();
          break;
        }
        case 'findings': {
          // idjag's inspect() of the grant, against what the client asked for (C-rules, R-rules).
          const shown = event.findings.map((f) => `${f.severity} ${f.code} ${f.rule}${f.claim ? ` ${f.claim}` : ''}`);
          write(`        ${dim('findings')} ${shown.length ? shown.join(', ') : 'none'}`);
          flushDecisions();
          break;
        }
        case 'outcome': {
          flushDecisions();
          const o = event.outcome;
          const detail = (o.status ? ` (HTTP ${o.status}${o.scope ? `, scope "${o.scope}" needed` : ''})` : '')
            + (o.subject ? ` — sub ${o.subject}` : ''); // whoami
          const mark = event.expected === undefined ? '•' : o.result === event.expected ? green('✓') : red('✗');
          const wanted = event.expected === undefined || o.result === event.expected ? '' : red(`, expected ${event.expected}`);
          write(`  ${mark} ${bold(event.tool)}: ${o.result}${detail}${wanted}`);
          break;
        }
        default:
          break;
      }
    },

    /** Prints what is still pending (call at the end). */
    flush: flushDecisions,
  };
}
