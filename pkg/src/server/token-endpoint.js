// createTokenEndpoint: the authorization server's token endpoint for the jwt-bearer grant
// (RFC 7523) carrying an ID-JAG, as a web-standard `(Request) => Promise<Response>` handler,
// so it runs unchanged in Node, workerd, Deno and Bun.
//
// Every decision is the Rust core's (src/server/endpoint.rs, issue 12): the order of the checks
// (rules.md "recommended evaluation order"), the wire errors and the audit event. This file
// is the I/O around that state machine: it reads the request (with a size cap), answers what
// the machine asks for (keys from the loader, the replay stores, the host's mapSubject hook),
// emits the audit event to `onDecision` and writes the response.
import { WasmTokenEndpoint, fullCore, maxBodyBytes as coreMaxBodyBytes } from '../core-full.js';
import { jsonText } from '../core.js';
import { IdJagError } from '../errors.js';
import { JwksCache, loadKeys, loaderNow } from '../jwks-cache.js';
import { MemoryReplayStore } from '../replay.js';
import { readCapped } from '../read-capped.js';
import { IdJagVerifier, grantStore, issuerKeys, optionsPath, storeAnswer } from '../verifier.js';
import { checkOptions, is, nowSec, readClock } from '../options.js';
import { AccessTokenIssuer, issuerOptionsText } from './access-token-issuer.js';

/** How many needs one request may ask at most (keys twice per source, two stores, mapSubject). */
const MAX_STEPS = 16;

/**
 * @param {import('../../server.js').TokenEndpointOptions} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createTokenEndpoint(options) {
  // `clients`, `tokenEndpoint`, … are the core's client registry's (src/server/client_auth.rs), which
  // checks their members with the same wording; the grants are IdJagVerifier's options.
  checkOptions(options, 'options', 'createTokenEndpoint', {
    'grants!': is.object,
    'accessTokenIssuer!': is.instance(AccessTokenIssuer, 'an AccessTokenIssuer'),
    'clients!': is.array,
    tokenEndpoint: is.string,
    allowPublicClients: is.boolean,
    clientAssertionAlgorithms: is.stringArray,
    onDecision: is.function,
    audit: is.object,
    jwksCache: is.instance(JwksCache, 'a JwksCache'),
    fetch: is.function,
    now: is.clock,
    legacyClientAssertionAudience: is.boolean,
    maxAssertionsPerClient: is.positiveInteger,
    mapSubject: is.function,
  });
  const { grants, accessTokenIssuer, clients, onDecision, audit = {}, now: clock, mapSubject } = options;
  if (clock !== undefined) readClock(clock, 'options.now');
  // The salt reaches a wasm string argument: anything but a string must stop here.
  checkOptions(audit, 'options.audit', 'createTokenEndpoint', { salt: is.string, hashSubject: is.boolean });

  const jwksCache = options.jwksCache ?? new JwksCache({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(clock ? { now: clock } : {}),
  });
  // The grants' options are checked here (the members the JS layer owns: replayStore,
  // jwksCache, …) and its remote issuers' keys are loaded through it; the checks run in the
  // endpoint's core object.
  const verifier = new IdJagVerifier({
    ...grants, jwksCache, ...(options.fetch ? { fetch: options.fetch } : {}), [optionsPath]: 'options.grants',
  });
  const { replayStore, jwksCache: _c, fetch: _f, now: _n, onDecision: _d, ...coreGrants } = grants;
  const grantsText = jsonText(coreGrants, 'options.grants');
  // Client assertions are single-use too (RFC 7523 §3 item 7), in the grants' store.
  const assertionStore = replayStore ?? new MemoryReplayStore();
  const registryText = jsonText({
    issuer: grants.audience,
    clients: clients.map(({ jwksUri, ...c }) => ({ ...c, ...(jwksUri !== undefined ? { jwksUri } : {}) })),
    ...(options.tokenEndpoint !== undefined ? { tokenEndpoint: options.tokenEndpoint } : {}),
    ...(options.allowPublicClients !== undefined ? { allowPublicClients: options.allowPublicClients } : {}),
    ...(options.clientAssertionAlgorithms !== undefined ? { clientAssertionAlgorithms: options.clientAssertionAlgorithms } : {}),
    ...(grants.clockToleranceSec !== undefined ? { clockToleranceSec: grants.clockToleranceSec } : {}),
    ...(options.legacyClientAssertionAudience !== undefined ? { legacyClientAssertionAudience: options.legacyClientAssertionAudience } : {}),
    ...(options.maxAssertionsPerClient !== undefined ? { maxAssertionsPerClient: options.maxAssertionsPerClient } : {}),
  }, 'options');
  const auditText = jsonText({
    ...(audit.hashSubject !== undefined ? { hashSubject: audit.hashSubject } : {}),
    ...(audit.salt !== undefined ? { salt: audit.salt } : {}),
    mapSubject: mapSubject !== undefined,
  }, 'options.audit');
  const issuerText = accessTokenIssuer[issuerOptionsText];
  // The core object of the current wasm instance, rebuilt with the keys installed so far
  // after a restart (src/core.js). Each map: id → the loader's snapshot the core holds.
  const clientKeys = new Map();
  const issuerKeySets = new Map();
  let core = null;
  let coreGeneration = -1;
  const liveCore = () => {
    if (core && coreGeneration === fullCore.generation) return core;
    const c = fullCore.call(() => fullCore.track(new WasmTokenEndpoint(registryText, grantsText, issuerText, auditText)));
    for (const [id, snap] of clientKeys) fullCore.call(() => c.setClientJwks(id, snap.text, snap.freshUntilMs / 1000));
    for (const [id, snap] of issuerKeySets) fullCore.call(() => c.setIssuerJwks(id, snap.text, snap.freshUntilMs / 1000));
    core = c;
    coreGeneration = fullCore.generation;
    return c;
  };
  liveCore();
  // The body cap is the core's (src/server/token_request.rs MAX_BODY_BYTES): at most one byte
  // more is read, so the core sees a larger body as such and refuses it itself.
  const maxBodyBytes = fullCore.call(() => coreMaxBodyBytes());

  const emit = (event) => {
    if (!onDecision) return;
    try {
      onDecision(event);
    } catch {
      // An audit sink that throws must not change the answer.
    }
  };

  return async function tokenEndpoint(request) {
    const at = nowSec(undefined, 'options.now', clock, 'options.now'); // epoch seconds
    try {
      return await handle(request, at);
    } catch (e) {
      // The wasm core failed (it restarted; the next request works): fail closed, 500. The
      // machine is gone with the instance, so this one event is written here.
      if (e instanceof IdJagError && e.code === 'ERR_INTERNAL') {
        emit({
          'event.name': 'idjag.token_request',
          'event.outcome': 'failure',
          time: new Date(at * 1000).toISOString(),
          'http.response.status_code': 500,
          'idjag.checks': [],
          'error.type': e.code,
          'oauth.error': 'server_error',
          'idjag.reason': e.message,
        });
        return jsonResponse(500, { error: 'server_error', error_description: 'the token could not be issued' });
      }
      throw e;
    }
  };

  async function handle(request, at) {
    const body = await readBody(request, maxBodyBytes);
    const url = new URL(request.url);
    const raw = {
      method: request.method,
      contentType: request.headers.get('content-type') ?? undefined,
      query: url.search.slice(1),
      body, // null: unreadable or too large, refused by the core
      authorization: request.headers.get('authorization') ?? undefined,
    };
    const exchange = fullCore.call(() => liveCore().exchange(raw, at));
    try {
      for (let steps = 0; ; steps += 1) {
        const keysNowSec = jwksCache[loaderNow]() / 1000;
        const step = fullCore.call(() => exchange.step(liveCore(), keysNowSec));
        if (step.done) {
          const { status, headers, body: text, event } = step.done;
          emit(JSON.parse(event));
          return new Response(text, { status, headers: Object.fromEntries(headers) });
        }
        if (steps >= MAX_STEPS) throw new IdJagError('ERR_INTERNAL', 'the token exchange did not finish');
        const answer = await perform(step.need, at);
        fullCore.call(() => exchange.answer(answer));
      }
    } finally {
      exchange.free?.();
    }
  }

  // The I/O the machine asks for; every outcome is an answer, never a throw.
  async function perform(need, at) {
    switch (need.kind) {
      case 'client-keys':
        return installKeys(need, clientKeys, need.clientId, () => jwksCache[loadKeys](need.jwksUri, { refresh: need.reason === 'unknown-kid' }),
          (snap) => liveCore().setClientJwks(need.clientId, snap.text, snap.freshUntilMs / 1000));
      case 'issuer-keys':
        return installKeys(need, issuerKeySets, need.issuer, async () => {
          const r = await verifier[issuerKeys](need.issuer, need.reason);
          if (r.failed !== undefined) throw new Error(r.failed);
          return r.snapshot;
        }, (snap) => liveCore().setIssuerJwks(need.issuer, snap.text, snap.freshUntilMs / 1000));
      case 'consume-assertion': {
        // The answer in the core's terms (verifier.js storeAnswer); the core words a failed
        // store's refusal of the client itself.
        const { kind } = await storeAnswer(assertionStore, need.key, need.until, at);
        return kind === 'store-failed' ? { kind, message: 'replay store failed' } : { kind };
      }
      case 'consume-grant': {
        const store = await verifier[grantStore]();
        if (!store) return { kind: 'fresh' };
        // The answer in the core's terms, as IdJagVerifier asks it (verifier.js storeAnswer).
        const { kind, message } = await storeAnswer(store, need.key, need.until, at);
        return message === undefined ? { kind } : { kind, message };
      }
      case 'map-subject': {
        const { replayKey: _k, replayUntil: _u, ...grant } = need.grant;
        let local;
        try {
          local = await mapSubject(Object.freeze(grant));
        } catch (e) {
          return { kind: 'map-failed', message: String(e?.message ?? e) };
        }
        if (local === undefined) return { kind: 'keep' };
        if (local === null) return { kind: 'no-account' };
        return typeof local === 'string' ? { kind: 'local', subject: local } : { kind: 'invalid' };
      }
      default:
        throw new IdJagError('ERR_INTERNAL', 'the token exchange asked for something unknown');
    }
  }

  async function installKeys(need, installed, id, load, install) {
    let snap;
    try {
      snap = await load();
    } catch (e) {
      return { kind: 'load-failed', message: e instanceof Error ? e.message : 'failed' };
    }
    const before = installed.get(id);
    if (need.reason === 'unknown-kid' && snap.docId === before?.docId) return { kind: 'unchanged' };
    try {
      fullCore.call(() => install(snap));
    } catch (e) {
      if (e instanceof IdJagError && e.code === 'ERR_INTERNAL') throw e;
      return { kind: 'refused', message: e?.message ?? 'invalid' };
    }
    installed.set(id, snap);
    return { kind: 'installed', changed: snap.docId !== before?.docId };
  }
}

function jsonResponse(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
  });
}

// The body as text, or null when it is larger than the core's cap, unreadable or not UTF-8
// (the core then refuses the request: src/server/token_request.rs). The declared length is
// checked first; a chunked body is read with a running cap (read-capped.js).
async function readBody(request, cap) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await readCapped(request, cap));
  } catch {
    return null;
  }
}
