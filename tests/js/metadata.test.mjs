// The discovery documents of idjag/server and the client metadata of idjag:
//  - RFC 8414 §3.2 / RFC 9728: no zero-element arrays;
//  - refusingAuthorizationEndpoint: metadata the MCP TypeScript SDK's client accepts (its own
//    discoverAuthorizationServerMetadata over loopback HTTP), served next to a real
//    authorization endpoint that refuses every request with an RFC 6749 error, never a redirect;
//  - protectedResourceMetadataUrl keeps the resource's query (RFC 9728 §3.1), and is the URL
//    idjag's discover() fetches;
//  - clientMetadata (C13, ID-JAG -04 §8).
// (tests/python/ checks the Python SDK's model against the same option.)
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { discoverAuthorizationServerMetadata } from '@modelcontextprotocol/client';
import { clientMetadata, discover } from 'idjag';
import {
  authorizationServerMetadata, protectedResourceMetadata, protectedResourceMetadataUrl, refuseAuthorizationRequest,
} from 'idjag/server';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_JAG_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';

const emptyArrays = (doc) => Object.entries(doc).filter(([, v]) => Array.isArray(v) && v.length === 0).map(([k]) => k);
const asOptions = (issuer) => ({ issuer, tokenEndpoint: `${issuer}/token`, jwksUri: `${issuer}/jwks` });

describe('authorizationServerMetadata', () => {
  test('has no zero-element arrays (RFC 8414 §3.2), whatever it is given', () => {
    const doc = authorizationServerMetadata({
      ...asOptions('https://as.example.com'), scopesSupported: [], tokenEndpointAuthMethods: [], ui_locales_supported: [],
    });
    assert.deepEqual(emptyArrays(doc), []);
    assert.equal('response_types_supported' in doc, false);
    assert.equal('scopes_supported' in doc, false);
    assert.equal('token_endpoint_auth_methods_supported' in doc, false);
    assert.equal('ui_locales_supported' in doc, false);
    assert.equal('authorization_endpoint' in doc, false, 'RFC 8414 §2: not required without a grant that uses it');
    assert.deepEqual(doc.grant_types_supported, [JWT_BEARER]);
    assert.deepEqual(doc.authorization_grant_profiles_supported, [ID_JAG_PROFILE]);
    const full = authorizationServerMetadata({ ...asOptions('https://as.example.com'), scopesSupported: ['files.read'] });
    assert.deepEqual(full.scopes_supported, ['files.read']);
    assert.deepEqual(full.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
  });

  test('refusingAuthorizationEndpoint: authorization_endpoint, response_types_supported [] (the only empty array)', () => {
    const doc = authorizationServerMetadata({ ...asOptions('https://as.example.com'), refusingAuthorizationEndpoint: 'https://as.example.com/authorize' });
    assert.equal(doc.authorization_endpoint, 'https://as.example.com/authorize');
    assert.deepEqual(doc.response_types_supported, []);
    assert.deepEqual(emptyArrays(doc), ['response_types_supported']);
    assert.equal('refusingAuthorizationEndpoint' in doc, false);
  });

  test('refusingAuthorizationEndpoint is checked, and not mixed with a hand-written authorization endpoint', () => {
    const base = asOptions('https://as.example.com');
    assert.throws(() => authorizationServerMetadata({ ...base, refusingAuthorizationEndpoint: 'not a url' }), { code: 'ERR_CONFIG' });
    assert.throws(() => authorizationServerMetadata({ ...base, refusingAuthorizationEndpoint: 'https://as.example.com/a#f' }), { code: 'ERR_CONFIG' });
    assert.throws(() => authorizationServerMetadata({
      ...base, refusingAuthorizationEndpoint: 'https://as.example.com/authorize', authorization_endpoint: 'https://as.example.com/other',
    }), { code: 'ERR_CONFIG' });
    assert.throws(() => authorizationServerMetadata({
      ...base, refusingAuthorizationEndpoint: 'https://as.example.com/authorize', response_types_supported: ['code'],
    }), { code: 'ERR_CONFIG' });
  });

  test('the MCP TypeScript SDK\'s client accepts it with the option, and refuses it without', async () => {
    let doc = null;
    const srv = await serveFetch(() => Response.json(doc));
    try {
      doc = authorizationServerMetadata({ ...asOptions(srv.url), refusingAuthorizationEndpoint: `${srv.url}/authorize` });
      const parsed = await discoverAuthorizationServerMetadata(srv.url);
      assert.equal(parsed.issuer, srv.url);
      assert.equal(parsed.token_endpoint, `${srv.url}/token`);
      doc = authorizationServerMetadata(asOptions(srv.url));
      await assert.rejects(discoverAuthorizationServerMetadata(srv.url), /authorization_endpoint/);
    } finally {
      await srv.close();
    }
  });
});

describe('refuseAuthorizationRequest', () => {
  test('answers RFC 6749 §4.1.2.1 errors directly: never a redirect, never a grant', async () => {
    const srv = await serveFetch(refuseAuthorizationRequest);
    try {
      const q = new URLSearchParams({ response_type: 'code', client_id: 'c', redirect_uri: 'https://evil.example/cb', state: 's' });
      let res = await fetch(`${srv.url}/authorize?${q}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal((await res.json()).error, 'unsupported_response_type');
      res = await fetch(`${srv.url}/authorize`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error, 'invalid_request');
      res = await fetch(`${srv.url}/authorize`, { method: 'POST', body: q, redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error, 'unsupported_response_type');
      res = await fetch(`${srv.url}/authorize`, { method: 'PUT' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, POST');
    } finally {
      await srv.close();
    }
  });
});

describe('protected resource metadata', () => {
  test('no zero-element arrays', () => {
    const doc = protectedResourceMetadata({ resource: 'https://mcp.example.com/mcp', authorizationServers: ['https://as.example.com'], scopesSupported: [], resource_signing_alg_values_supported: [] });
    assert.deepEqual(emptyArrays(doc), []);
    assert.equal('scopes_supported' in doc, false);
  });

  test('protectedResourceMetadataUrl: inserted between host and path, query kept (RFC 9728 §3.1)', () => {
    assert.equal(protectedResourceMetadataUrl('https://mcp.example.com/mcp'), 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    assert.equal(protectedResourceMetadataUrl('https://mcp.example.com/'), 'https://mcp.example.com/.well-known/oauth-protected-resource');
    assert.equal(protectedResourceMetadataUrl('https://mcp.example.com/mcp?tenant=a&x=1'), 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp?tenant=a&x=1');
    assert.equal(protectedResourceMetadataUrl('https://mcp.example.com/?tenant=a'), 'https://mcp.example.com/.well-known/oauth-protected-resource?tenant=a');
  });

  test('it is where discover() looks, for a resource with a query', async () => {
    const docs = new Map();
    const srv = await serveFetch((req) => {
      const u = new URL(req.url);
      const doc = docs.get(`${u.pathname}${u.search}`);
      return doc ? Response.json(doc) : Response.json({ error: 'not_found' }, { status: 404 });
    });
    try {
      const resource = `${srv.url}/mcp?tenant=acme`;
      const prmUrl = new URL(protectedResourceMetadataUrl(resource));
      docs.set(`${prmUrl.pathname}${prmUrl.search}`, protectedResourceMetadata({ resource, authorizationServers: [srv.url] }));
      docs.set('/.well-known/oauth-authorization-server', authorizationServerMetadata(asOptions(srv.url)));
      const found = await discover(resource);
      assert.equal(found.resource, resource);
      assert.equal(found.authorizationServer, srv.url);
      assert.equal(found.supportsIdJag, true);
    } finally {
      await srv.close();
    }
  });
});

describe('clientMetadata (C13)', () => {
  test('lists the ID-JAG profile, and both grants it needs', () => {
    const doc = clientMetadata({ clientName: 'Files agent' });
    assert.deepEqual(doc.authorization_grant_profiles_supported, [ID_JAG_PROFILE]);
    assert.deepEqual(doc.grant_types, [TOKEN_EXCHANGE, JWT_BEARER]);
    assert.equal(doc.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(doc.client_name, 'Files agent');
    assert.deepEqual(emptyArrays(doc), []);
    assert.equal('redirect_uris' in doc, false);
  });

  test('more grant types and RFC 7591 members are kept; the two required ones are not duplicated', () => {
    const doc = clientMetadata({
      grantTypes: ['authorization_code', JWT_BEARER], redirectUris: ['https://app.example.com/cb'], scope: 'files.read', software_id: 'x',
    });
    assert.deepEqual(doc.grant_types, [TOKEN_EXCHANGE, JWT_BEARER, 'authorization_code']);
    assert.deepEqual(doc.redirect_uris, ['https://app.example.com/cb']);
    assert.equal(doc.scope, 'files.read');
    assert.equal(doc.software_id, 'x');
  });

  test('a Client ID Metadata Document: client_id is its URL, no shared secret', () => {
    const doc = clientMetadata({
      clientId: 'https://app.example.com/client.json', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example.com/jwks.json',
    });
    assert.equal(doc.client_id, 'https://app.example.com/client.json');
    assert.equal(doc.jwks_uri, 'https://app.example.com/jwks.json');
    assert.throws(() => clientMetadata({ clientId: 'https://app.example.com/client.json' }), { code: 'ERR_CONFIG' }); // client_secret_basic
    assert.throws(() => clientMetadata({ clientId: 'http://app.example.com/client.json', tokenEndpointAuthMethod: 'none' }), { code: 'ERR_CONFIG' });
  });

  test('refuses what would contradict §8 or leak keys', () => {
    assert.throws(() => clientMetadata({ grant_types: [JWT_BEARER] }), { code: 'ERR_CONFIG' });
    assert.throws(() => clientMetadata({ authorization_grant_profiles_supported: [] }), { code: 'ERR_CONFIG' });
    assert.throws(() => clientMetadata({ tokenEndpointAuthMethod: 'private_key_jwt' }), { code: 'ERR_CONFIG' }); // no keys
    assert.throws(() => clientMetadata({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }), { code: 'ERR_CONFIG' });
    assert.throws(() => clientMetadata({ clientNmae: 'typo' }), { code: 'ERR_CONFIG' });
    assert.throws(() => clientMetadata({ tokenEndpointAuthMethod: 'tls_client_auth' }), { code: 'ERR_CONFIG' });
  });
});
