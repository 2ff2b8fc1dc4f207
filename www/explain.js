// Plain-language meaning of every header parameter and claim an ID-JAG may carry, as an
// MCP authorization server (EMA) reads them, and a one-line summary of each rule the
// findings cite (docs/rules.md). Data only.

/**
 * The rulebook page: docs/rules.md rendered by scripts/rules-html.mjs, served at /rules.html by
 * scripts/serve-www.mjs (a published copy of www/ gets it with `node scripts/rules-html.mjs`).
 * Each rule is the element whose id is the rule id.
 */
export const RULEBOOK_URL = 'rules.html';

/** A rule id (R20, R5a, C13, O29): its group letter, a number from 1, an optional revision letter. */
export const RULE_ID_RE = /(?<![A-Za-z0-9_#.-])[RVSATCIOX][1-9]\d{0,2}[a-z]?(?![A-Za-z0-9_])/g;

/** Where the rulebook explains `id`. */
export const ruleHref = (id) => `${RULEBOOK_URL}#${encodeURIComponent(id)}`;

/** @type {Record<string, { what: string, rules?: string[] }>} */
export const HEADER = {
  alg: { what: 'Signature algorithm. Must be on the authorization server’s allow-list and match the IdP key; never none or HMAC.', rules: ['R10', 'R14'] },
  typ: { what: 'Token type. A grant says oauth-id-jag+jwt, so an ID token or access token cannot be passed off as one.', rules: ['R9', 'S16'] },
  kid: { what: 'Which of the IdP’s signing keys was used; looked up in the IdP’s JWKS.', rules: ['R13'] },
  crit: { what: 'Extensions the verifier must understand. idjag understands none, so any crit is refused.', rules: ['R11'] },
  b64: { what: 'Unencoded-payload option (RFC 7797). Refused.', rules: ['R11'] },
  zip: { what: 'Compression. Not allowed in a signed grant.', rules: ['R11'] },
  enc: { what: 'Encryption algorithm: a JWE header. Encrypted grants are not supported.', rules: ['R6'] },
  cty: { what: 'Content type of the payload. Not used for ID-JAGs.' },
  jku: { what: 'URL of a key set, chosen by whoever made the token. Never trusted; ignored.', rules: ['R12'] },
  x5u: { what: 'URL of a certificate chain, chosen by whoever made the token. Never trusted; ignored.', rules: ['R12'] },
  jwk: { what: 'A key embedded in the token by whoever made it. Never trusted; ignored.', rules: ['R12'] },
  x5c: { what: 'A certificate chain embedded in the token. Never trusted; ignored.', rules: ['R12'] },
};

/** @type {Record<string, { what: string, rules?: string[], time?: boolean }>} */
export const CLAIMS = {
  iss: { what: 'Who issued the grant: the enterprise identity provider (IdP). Must exactly equal an issuer the authorization server trusts — no trailing-slash or case leeway.', rules: ['R17', 'R18'] },
  sub: { what: 'The user, as the IdP identifies them. The authorization server maps it to a local account.', rules: ['R19', 'R39'] },
  aud: { what: 'Who may redeem the grant: the MCP authorization server’s issuer identifier — exactly one value, not its token endpoint.', rules: ['R20'] },
  client_id: { what: 'The MCP client the grant was issued to. Must be the client that authenticates at the token endpoint.', rules: ['R21'] },
  jti: { what: 'Unique id of this grant. The authorization server remembers it, so the grant works only once.', rules: ['R22', 'R29'] },
  exp: { what: 'Expiry. The grant is refused from this moment on (plus a small clock tolerance).', rules: ['R23'], time: true },
  iat: { what: 'When the IdP issued it. Must not lie in the future; exp − iat is the grant’s lifetime (at most 5 minutes by default).', rules: ['R24', 'R26'], time: true },
  nbf: { what: 'Not valid before this moment.', rules: ['R25'], time: true },
  resource: { what: 'The MCP server(s) the access token will be for (RFC 8707). Each must be registered at the authorization server.', rules: ['R32', 'R33'] },
  scope: { what: 'What the user’s organisation allows this client to do. The access token gets at most these scopes.', rules: ['R34', 'R35'] },
  tenant: { what: 'The user’s organisation at the IdP. With iss and sub it identifies the user on a multi-tenant IdP.', rules: ['R39', 'R40'] },
  aud_tenant: { what: 'The tenant at the authorization server this grant is meant for.', rules: ['R40'] },
  aud_sub: { what: 'The user’s identifier at the authorization server, when the IdP knows it.', rules: ['R39'] },
  cnf: { what: 'Binds the grant to a key the client must prove it holds (DPoP). idjag does not verify such proofs yet, so it refuses the grant.', rules: ['R42'] },
  authorization_details: { what: 'Fine-grained permissions (RFC 9396 rich authorization requests). Refused unless the verifier enables them.', rules: ['R36'] },
  email: { what: 'The user’s email address: personal data. Use it to link existing accounts only, never as the identity.', rules: ['R39', 'S18'] },
  act: { what: 'Someone acting on the user’s behalf (delegation). Informational only: it grants nothing, and is not the client.', rules: ['R41'] },
  amr: { what: 'How the user signed in (for example pwd, mfa).', rules: ['R28'] },
  acr: { what: 'The assurance level of the user’s sign-in.', rules: ['R28'] },
  auth_time: { what: 'When the user last actively signed in at the IdP.', rules: ['R28'], time: true },
  name: { what: 'The user’s name: personal data, not needed to authorize.', rules: ['S18'] },
  given_name: { what: 'Personal data, not needed to authorize.', rules: ['S18'] },
  family_name: { what: 'Personal data, not needed to authorize.', rules: ['S18'] },
  preferred_username: { what: 'A display name for the user; not a stable identifier.', rules: ['R39'] },
};

export const UNKNOWN_CLAIM = { what: 'Not an ID-JAG claim. Verifiers ignore it.', rules: ['R30'] };
export const UNKNOWN_HEADER = { what: 'Not used by ID-JAG verifiers; ignored unless listed in crit.', rules: ['R12'] };

/** One line per rule id (docs/rules.md has the full text), for the findings’ citations. */
export const RULES = {
  R6: 'A grant is a compact JWS: three strict base64url parts, non-empty signature. Five parts is an encrypted JWE.',
  R7: 'Header and payload are UTF-8 JSON objects.',
  R8: 'No duplicate member names in header or payload.',
  R9: 'typ is oauth-id-jag+jwt (the application/ prefix and letter case are tolerated).',
  R10: 'alg is on the allow-list; none and HMAC are never accepted.',
  R11: 'crit, b64, zip are refused: the verifier will not honour them.',
  R12: 'Keys named by the token itself (jku, x5u, jwk, x5c) are never trusted.',
  R13: 'The key comes from the trusted issuer’s JWKS, by kid when present.',
  R14: 'Key and algorithm must match (RSA ↔ RS/PS, P-256 ↔ ES256, …); RSA keys ≥ 2048 bits.',
  R15: 'The signature verifies under a key of the claimed issuer.',
  R17: 'iss exactly equals a trusted issuer.',
  R18: 'iss is not the authorization server itself.',
  R19: 'sub is a non-empty string.',
  R20: 'aud is exactly the authorization server’s issuer: one string, or an array of exactly one.',
  R21: 'client_id equals the authenticated client.',
  R22: 'jti is a non-empty string.',
  R23: 'exp is present; refused when now ≥ exp + tolerance.',
  R24: 'iat is present and not in the future.',
  R25: 'nbf, when present, has passed.',
  R26: 'The lifetime exp − iat is short (300 s by default).',
  R27: 'exp is after iat, and nbf is not after exp.',
  R28: 'Every claim has its registered type and form.',
  R29: 'Single use: (iss, jti) is accepted once, remembered until exp.',
  R30: 'Unknown claims are ignored, never a reason to refuse.',
  R32: 'Every resource is an MCP server registered at the authorization server.',
  R33: 'EMA needs resource, so the access token can be audience-restricted.',
  R34: 'scope is a space-separated set; the access token never gets more.',
  R35: 'Granted scopes are the intersection of requested and granted.',
  R36: 'authorization_details must be processed; refused unless enabled.',
  R38: 'A resource request parameter must be one of the grant’s resources.',
  R39: 'The user is (iss, sub) — (iss, tenant, sub) on multi-tenant IdPs; email only links accounts.',
  R40: 'tenant matches the tenant the authorization server expects.',
  R41: 'act (delegation) is informational; the client is not the actor.',
  R42: 'cnf requires a proof of possession; without one the grant is refused.',
  S16: 'ID tokens, ID-JAGs, access tokens and DPoP proofs are told apart by typ.',
  S18: 'Minimise personal data in grants.',
};

/** What each IdJagError code means, in a sentence (design.md, "Error codes"). */
export const ERRORS = {
  ERR_CONFIG: 'The verifier options or the JWKS were refused before any grant was looked at.',
  ERR_MALFORMED: 'Not a well-formed compact JWS (three strict base64url parts of JSON objects), or too large.',
  ERR_HEADER: 'The header asks for something the verifier will not honour (crit, b64, zip).',
  ERR_TYP: 'typ is missing or is not oauth-id-jag+jwt: this is not an ID-JAG.',
  ERR_ALG: 'The algorithm is not allowed, or does not match the IdP key.',
  ERR_ISSUER: 'iss is missing or is not a trusted IdP.',
  ERR_KEY: 'None of the IdP’s keys fits the grant’s kid and alg.',
  ERR_SIGNATURE: 'The signature does not verify: the grant was altered, or signed by someone else.',
  ERR_CLAIM: 'A required claim is missing, or a claim has the wrong type.',
  ERR_AUDIENCE: 'aud is not exactly this authorization server.',
  ERR_CLIENT: 'client_id is not the client presenting the grant.',
  ERR_EXPIRED: 'The grant has expired.',
  ERR_NOT_YET_VALID: 'iat or nbf lies in the future.',
  ERR_LIFETIME: 'The lifetime (exp − iat) is too long, or exp is not after iat.',
  ERR_RESOURCE: 'resource is missing, or names an MCP server not registered here.',
  ERR_SCOPE: 'A requested scope is outside the grant.',
  ERR_TENANT: 'tenant is missing or not the expected one.',
  ERR_REPLAY: 'This grant (iss, jti) was already used.',
  ERR_UNSUPPORTED: 'The grant needs something not supported: a proof of possession (cnf), authorization_details, or decryption.',
  ERR_POLICY: 'Refused by an enterprise policy rule.',
};
