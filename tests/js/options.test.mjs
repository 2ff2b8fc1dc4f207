// Issue 13 "Consistency": every public constructor and per-call options object is checked the
// same way. One table drives it: an unknown member, a mistyped member and a missing required
// member are each IdJagError ERR_CONFIG whose message starts with the path; a clock (`now`)
// answering milliseconds is ERR_CONFIG; and a per-call `now` overrides the constructor's (the
// verdict on the same grant changes, so the clock really is the one used).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import {
  IdJagError, IdJagVerifier, JwksCache, MemoryReplayStore, RedisReplayStore, clientMetadata, discover, exchangeIdJag, inspect, requestIdJag,
} from 'idjag';
import { AccessTokenIssuer, AccessTokenVerifier, createTokenEndpoint, mcpBearerAuth, toMcpVerifier, toNodeHandler } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const CLIENT = 'c1';
const NOW = 1767225600; // 2026-01-01T00:00:00Z, epoch seconds
const at = (t) => () => t;

const idp = new TestIssuer({ issuer: 'https://idp.example' });
const atIssuer = new AccessTokenIssuer({ issuer: AS });
const verifierOptions = () => ({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP] });
const grantAt = (t) => idp.mint({ audience: AS, clientId: CLIENT, resource: MCP, now: at(t) }); // lives 60 s
const accessTokenAt = (t) => atIssuer.mint({ subject: 'u', clientId: CLIENT, resources: [MCP], scopes: [] }, { now: at(t) }).accessToken;
// Real clients, never connected: the constructor only needs the object.
const redis = createClient({ url: 'redis://127.0.0.1:1' });

/** Runs `fn` (sync or async) and returns what it threw (undefined if nothing). */
async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

async function assertConfig(fn, check, what) {
  const e = await thrown(fn);
  assert.ok(e instanceof IdJagError, `${what}: expected IdJagError, got ${e?.name ?? 'nothing'}: ${e?.message}`);
  assert.equal(e.code, 'ERR_CONFIG', `${what}: ${e.message}`);
  if (typeof check === 'string') assert.ok(e.message.startsWith(check), `${what}: message ${JSON.stringify(e.message)} does not start with ${JSON.stringify(check)}`);
  else assert.match(e.message, check, what);
  return e;
}

// name: what the table row is; owner: the class/function named in "is not an option of";
// root: the path of the options object; run(options): builds or calls with `options`;
// base: a valid options object; required: members that must be given; wrong: [member, value];
// nested: [options, path of the unknown member] for objects inside the options.
const TABLE = [
  {
    name: 'new IdJagVerifier(options)', owner: 'IdJagVerifier', root: 'options',
    run: (o) => new IdJagVerifier(o), base: verifierOptions,
    required: ['audience', 'issuers'],
    wrong: [['clockToleranceSec', '5'], ['audience', 7], ['issuers', {}], ['fetch', 'fetch'], ['jwksCache', {}], ['replayStore', {}], ['now', new Date()]],
    nested: [
      [{ ...verifierOptions(), issuers: [{ issuer: idp.issuer, jwks: idp.jwks(), bogus: 1 }] }, 'options.issuers[0].bogus is not an option of IdJagVerifier'],
    ],
    missingNested: [[{ ...verifierOptions(), issuers: [{ jwks: idp.jwks() }] }, 'options.issuers[0].issuer is required']],
    clock: true,
  },
  {
    name: 'IdJagVerifier.verify(token, ctx)', owner: 'verify()', root: 'ctx',
    run: (o) => new IdJagVerifier({ ...verifierOptions(), replay: 'reusable' }).verify(grantAt(NOW), o),
    base: () => ({ clientId: CLIENT, now: at(NOW) }),
    required: ['clientId'],
    wrong: [['clientId', 5], ['scope', ['a']], ['resource', null], ['now', NOW]],
    clock: true,
  },
  {
    name: 'new JwksCache(options)', owner: 'JwksCache', root: 'options',
    run: (o) => new JwksCache(o), base: () => ({ fetch: globalThis.fetch }),
    required: [],
    wrong: [['timeoutSec', '5'], ['timeoutSec', 0], ['maxEntries', 1.5], ['fetch', {}], ['onKeysSetAside', true], ['now', 5]],
    clock: true,
  },
  {
    name: 'new MemoryReplayStore(options)', owner: 'MemoryReplayStore', root: 'options',
    run: (o) => new MemoryReplayStore(o), base: () => ({ maxEntries: 10 }),
    required: [],
    wrong: [['maxEntries', '10'], ['maxEntries', 2 ** 32], ['onStateLost', 'log']],
  },
  {
    name: 'new RedisReplayStore(options)', owner: 'RedisReplayStore', root: 'options',
    run: (o) => new RedisReplayStore(o), base: () => ({ client: redis }),
    required: ['client'],
    wrong: [['timeoutSec', '5'], ['timeoutSec', 0], ['prefix', 7], ['client', {}]],
  },
  {
    name: 'new TestIssuer(options)', owner: 'TestIssuer', root: 'options',
    run: (o) => new TestIssuer(o), base: () => ({ issuer: 'https://idp2.example' }),
    required: ['issuer'],
    wrong: [['issuer', 5], ['alg', 256], ['privateJwk', 'secret'], ['now', '2026-01-01']],
    clock: true,
  },
  {
    name: 'TestIssuer.mint(params)', owner: 'TestIssuer.mint()', root: 'params',
    run: (o) => idp.mint(o), base: () => ({ audience: AS, clientId: CLIENT, now: at(NOW) }),
    required: ['audience', 'clientId'],
    wrong: [['audience', 5], ['lifetimeSec', '60'], ['scope', 7], ['now', new Date()]],
    clock: true,
  },
  {
    name: 'inspect(token, expect)', owner: 'inspect()', root: 'expect',
    run: (o) => inspect(grantAt(NOW), o), base: () => ({ audience: AS, now: at(NOW) }),
    required: [],
    wrong: [['audience', 5], ['clientId', {}], ['now', new Date()]],
    clock: true,
  },
  {
    name: 'new AccessTokenVerifier(options)', owner: 'AccessTokenVerifier', root: 'options',
    run: (o) => new AccessTokenVerifier(o), base: () => ({ issuer: AS, audience: MCP, jwks: atIssuer.jwks() }),
    required: ['issuer', 'audience'],
    wrong: [['clockToleranceSec', '60'], ['requiredScopes', 'files.read'], ['jwksCache', {}], ['now', NOW]],
    clock: true,
  },
  {
    name: 'AccessTokenVerifier.verify(token, options)', owner: 'AccessTokenVerifier.verify()', root: 'options',
    run: (o) => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: atIssuer.jwks() }).verify(accessTokenAt(NOW), o),
    base: () => ({ now: at(NOW) }),
    required: [],
    wrong: [['requiredScopes', [1]], ['now', new Date()]],
    clock: true,
  },
  {
    name: 'new AccessTokenIssuer(options)', owner: 'AccessTokenIssuer', root: 'options',
    run: (o) => new AccessTokenIssuer(o), base: () => ({ issuer: AS }),
    required: ['issuer'],
    wrong: [['lifetimeSec', '300'], ['kid', 1], ['now', 'now']],
    clock: true,
  },
  {
    name: 'AccessTokenIssuer.mint(grant, options)', owner: 'AccessTokenIssuer.mint()', root: 'options',
    run: (o) => atIssuer.mint({ subject: 'u', clientId: CLIENT, resources: [MCP], scopes: [] }, o),
    base: () => ({ now: at(NOW) }),
    required: [],
    wrong: [['now', NOW]],
    clock: true,
  },
  {
    name: 'createTokenEndpoint(options)', owner: 'createTokenEndpoint', root: 'options',
    run: (o) => createTokenEndpoint(o),
    base: () => ({
      grants: verifierOptions(), accessTokenIssuer: atIssuer,
      clients: [{ clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 'correct-horse-battery-staple' }],
    }),
    required: ['grants', 'accessTokenIssuer', 'clients'],
    wrong: [['grants', 'x'], ['clients', {}], ['audit', true], ['maxAssertionsPerClient', '3'], ['now', new Date()]],
    nested: [
      [{ grants: { ...verifierOptions(), bogus: 1 } }, 'options.grants.bogus is not an option of IdJagVerifier'],
      [{ audit: { salt: 'x', bogus: 1 } }, 'options.audit.bogus is not an option of createTokenEndpoint'],
      [{ clients: [{ clientId: CLIENT, tokenEndpointAuthMethod: 'none', bogus: 1 }] }, 'options.clients[0].bogus is not an option of createTokenEndpoint'],
    ],
    missingNested: [
      [{ grants: { issuers: verifierOptions().issuers } }, 'options.grants.audience is required'],
      [{ clients: [{ tokenEndpointAuthMethod: 'none' }] }, 'options.clients[0].clientId is required'],
    ],
    wrongNested: [[{ grants: { ...verifierOptions(), clockToleranceSec: '5' } }, 'options.grants.clockToleranceSec must be a non-negative integer, not a string']],
    clock: true,
  },
];

describe('options: one checker, messages that start with the path', () => {
  for (const row of TABLE) {
    describe(row.name, () => {
      test('the base options are accepted', async () => {
        assert.equal(await thrown(() => row.run(row.base())), undefined);
      });

      test('an unknown member is ERR_CONFIG naming it', async () => {
        const e = await assertConfig(() => row.run({ ...row.base(), bogus: 1 }), `${row.root}.bogus is not an option of ${row.owner}`, 'unknown');
        assert.match(e.message, /expected one of /, 'the known members are listed (a typo is easy to see)');
        await assertConfig(() => row.run({ ...row.base(), 'odd key': 1 }), `${row.root}["odd key"] is not an option of ${row.owner}`, 'unknown, quoted');
        for (const [options, start] of row.nested ?? []) await assertConfig(() => row.run({ ...row.base(), ...options }), start, `nested ${start}`);
      });

      test('a mistyped member is ERR_CONFIG naming it', async () => {
        for (const [member, value] of row.wrong) {
          await assertConfig(() => row.run({ ...row.base(), [member]: value }), `${row.root}.${member} must be `, `${member}: ${String(value)}`);
        }
        for (const [options, start] of row.wrongNested ?? []) await assertConfig(() => row.run({ ...row.base(), ...options }), start, start);
        await assertConfig(() => row.run([]), `${row.root} must be an object`, 'an array');
      });

      test('a missing required member is ERR_CONFIG naming it (never a serde message)', async () => {
        for (const member of row.required) {
          const options = row.base();
          delete options[member];
          const e = await assertConfig(() => row.run(options), `${row.root}.${member} is required`, member);
          assert.equal(e.message, `${row.root}.${member} is required`);
        }
        for (const [options, message] of row.missingNested ?? []) {
          const e = await assertConfig(() => row.run({ ...row.base(), ...options }), message, message);
          assert.equal(e.message, message);
        }
      });

      if (row.clock) {
        test('now returning milliseconds (or not a number) is ERR_CONFIG', async () => {
          const ms = Date.now();
          await assertConfig(() => row.run({ ...row.base(), now: () => ms }),
            `${row.root}.now() returned ${ms}, which looks like milliseconds; idjag's clock is epoch seconds`, 'ms');
          await assertConfig(() => row.run({ ...row.base(), now: () => new Date() }), `${row.root}.now() returned an object`, 'a Date');
          await assertConfig(() => row.run({ ...row.base(), now: () => Number.NaN }), `${row.root}.now() returned NaN`, 'NaN');
        });
      }
    });
  }
});

describe('client functions and adapters: an unknown member is ERR_CONFIG before any request', () => {
  // The URLs are never fetched: the options are refused first.
  const cases = [
    ['requestIdJag', () => requestIdJag({
      tokenEndpoint: 'https://idp.example/token', audience: AS, subjectToken: 't', subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      clientId: CLIENT, clientSecrt: 'typo',
    }), 'options.clientSecrt is not an option of requestIdJag'],
    ['exchangeIdJag', () => exchangeIdJag({ tokenEndpoint: `${AS}/token`, grant: 'g', clientId: CLIENT, clientSecret: 's', scopes: 'x' }),
      'options.scopes is not an option of exchangeIdJag'],
    ['discover', () => discover(MCP, { resourceMetadataURL: `${MCP}/x` }), 'options.resourceMetadataURL is not an option of discover'],
    ['clientMetadata', () => clientMetadata({ clientId: 'https://c.example/meta', clientNmae: 'x' }), 'options.clientNmae is not an option of clientMetadata'],
    ['toNodeHandler', () => toNodeHandler(() => new Response(), { maxBodyByte: 10 }), 'options.maxBodyByte is not an option of toNodeHandler'],
    ['toNodeHandler (type)', () => toNodeHandler(() => new Response(), { maxBodyBytes: '10' }), 'options.maxBodyBytes must be a positive integer, not a string'],
    ['toMcpVerifier', () => toMcpVerifier(new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: atIssuer.jwks() }), { requiredScopes: [] }),
      'options.requiredScopes is not an option of toMcpVerifier'],
    ['mcpBearerAuth', () => mcpBearerAuth(new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: atIssuer.jwks() }), { requiredScope: ['a'] }),
      'options.requiredScope is not an option of mcpBearerAuth'],
  ];
  for (const [name, run, start] of cases) {
    test(name, async () => {
      await assertConfig(run, start, name);
    });
  }
});

describe('now: the per-call clock overrides the constructor\'s', () => {
  const expiredAt = NOW + 3600; // the grants below live 60 s from NOW (+ 60 s tolerance)

  test('IdJagVerifier: ctx.now over options.now', async () => {
    const early = new IdJagVerifier({ ...verifierOptions(), replay: 'reusable', now: at(NOW) });
    const late = new IdJagVerifier({ ...verifierOptions(), replay: 'reusable', now: at(expiredAt) });
    const grant = grantAt(NOW);
    assert.equal((await early.verify(grant, { clientId: CLIENT })).subject, 'user-1', 'the constructor clock is used');
    assert.equal((await thrown(() => late.verify(grant, { clientId: CLIENT })))?.code, 'ERR_EXPIRED');
    assert.equal((await thrown(() => early.verify(grant, { clientId: CLIENT, now: at(expiredAt) })))?.code, 'ERR_EXPIRED');
    assert.equal((await late.verify(grant, { clientId: CLIENT, now: at(NOW) })).subject, 'user-1');
  });

  test('AccessTokenVerifier: verify options.now over options.now', async () => {
    const token = accessTokenAt(NOW); // lives 300 s
    const late = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: atIssuer.jwks(), now: at(expiredAt) });
    assert.equal((await thrown(() => late.verify(token)))?.code, 'ERR_EXPIRED');
    assert.equal((await late.verify(token, { now: at(NOW) })).subject, 'u');
  });

  test('TestIssuer and AccessTokenIssuer: mint now over options.now', () => {
    const issuer = new TestIssuer({ issuer: 'https://idp3.example', now: at(NOW) });
    assert.equal(inspect(issuer.mint({ audience: AS, clientId: CLIENT })).claims.iat, NOW);
    assert.equal(inspect(issuer.mint({ audience: AS, clientId: CLIENT, now: at(NOW + 7) })).claims.iat, NOW + 7);
    const tokens = new AccessTokenIssuer({ issuer: AS, now: at(NOW) });
    const iat = (t) => JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).iat;
    const grant = { subject: 'u', clientId: CLIENT, resources: [MCP], scopes: [] };
    assert.equal(iat(tokens.mint(grant)), NOW);
    assert.equal(iat(tokens.mint(grant, { now: at(NOW + 7) })), NOW + 7);
  });

  test('inspect: expect.now decides the expired finding', () => {
    const grant = grantAt(NOW);
    const expired = (now) => inspect(grant, { now }).findings.some((f) => f.code === 'expired');
    assert.equal(expired(at(NOW)), false);
    assert.equal(expired(at(expiredAt)), true);
  });

  test('createTokenEndpoint: options.now is the clock of every request', async () => {
    const endpoint = (now) => createTokenEndpoint({
      grants: { ...verifierOptions(), replay: 'reusable' }, accessTokenIssuer: atIssuer, now,
      clients: [{ clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 'correct-horse-battery-staple' }],
    });
    const grant = grantAt(NOW);
    const request = () => new Request(`${AS}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${CLIENT}:correct-horse-battery-staple`)}`,
      },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: grant }).toString(),
    });
    assert.equal((await endpoint(at(NOW))(request())).status, 200);
    const late = await endpoint(at(expiredAt))(request());
    assert.equal(late.status, 400);
    assert.equal((await late.json()).error, 'invalid_grant');
  });
});
