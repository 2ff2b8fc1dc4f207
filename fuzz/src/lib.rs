//! Fixtures shared by the fuzz targets (fuzz/src/bin/): fixed keys, a fixed clock, one valid
//! grant, one valid access token and one valid client assertion, each built once per process.
//!
//! The keys below are FUZZ-ONLY and public: they sign nothing but these fixtures. ECDSA
//! signing is deterministic (RFC 6979), so the tokens built here are byte-for-byte the seeds
//! the `seeds` binary writes to fuzz/corpus/.
//!
//! The harness panics (aborts, which AFL records as a crash) when a property fails; a panic
//! while building a fixture is a harness bug, not a finding.
#![allow(clippy::expect_used, clippy::panic)]

use idjag::inspect::{Expect, Severity};
use idjag::server::AccessTokenVerifier;
use idjag::server::SigningKey;
use idjag::server::{ClientRegistry, ClientRegistryOptions};
use idjag::server::{RawTokenRequest, TokenRequest};
use idjag::testing::{MintParams, TestIssuer};
use idjag::{Alg, VerifiedGrant, Verifier, VerifierOptions, VerifyContext};
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

/// The fixed clock (2025-06-15T15:06:40Z): the core never reads one.
pub const NOW: f64 = 1_750_000_000.0;
pub const IDP: &str = "https://idp.example.com";
/// This authorization server: the grant's `aud`, the access token's `iss`.
pub const AS: &str = "https://as.example.com";
pub const TOKEN_ENDPOINT: &str = "https://as.example.com/token";
pub const RESOURCE: &str = "https://mcp.example.com/mcp";
pub const CLIENT_ID: &str = "client-1";
pub const TENANT: &str = "acme";
pub const SCOPE: &str = "files.read files.write";

/// The IdP's signing key (ES256).
pub const IDP_KEY: &str = r#"{"kty":"EC","crv":"P-256","kid":"fuzz-idp-ec","x":"lxibhI8QpzKD5Nv7tSPHqWGzq6WjPs4MGr-d7gjUJ5M","y":"bqXtG37rqBdz_YmwMMfFXhN0cPB2zDfs61OqQxpGXfU","d":"QNJdsK0G9zExMP6Or_KMi9ECE1J4bnJYfMeTwoRa8XI"}"#;
/// The authorization server's access-token key (ES256).
pub const AS_KEY: &str = r#"{"kty":"EC","crv":"P-256","kid":"fuzz-as-ec","x":"rn34_fC52H86OjF2pXHx1nW77wDU0IlUstveA7Ui9XM","y":"6L73qGo3ZrI6j1ZOkfFguAZysQC30OEWMuft8Qr7BiQ","d":"frNJ7gtw1LIQso-UtiMZ6kcBLPw6gbep2q2cWZ5J-oM"}"#;
/// `client-1`'s private_key_jwt key (ES256).
pub const CLIENT_KEY: &str = r#"{"kty":"EC","crv":"P-256","kid":"fuzz-client-ec","x":"HmDM7L9h8NX8cZPfuS49fD4_h3HjA4YLsV_2xBZWPg0","y":"9Q56RiYtpvSfbNWIEaht9S1l6gQKf4hDb4pbLhG1Wv4","d":"Zgh4IcVfkHyafY0hO-yDRZ14rpB15YDk29Ix3PDilhU"}"#;

pub const BASIC_CLIENT: &str = "client-basic";
pub const BASIC_SECRET: &str = "basic-secret-0123456789";
pub const POST_CLIENT: &str = "client-post";
pub const POST_SECRET: &str = "post-secret-0123456789";

fn key(jwk: &str) -> SigningKey {
    let v: Value = serde_json::from_str(jwk).expect("fixture key is json");
    SigningKey::from_jwk(&v, Some(Alg::ES256)).expect("fixture key imports")
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("fixture is not an object"),
    }
}

pub fn idp_jwks() -> Value {
    json!({ "keys": [key(IDP_KEY).public_jwk()] })
}

/// The verifier's options (also the `options` target's main seed).
pub fn verifier_options() -> Value {
    json!({
        "audience": AS,
        "issuers": [{ "issuer": IDP, "jwks": idp_jwks(), "algorithms": ["ES256"], "tenant": TENANT }],
        "resources": [RESOURCE],
        "requireResource": true,
        "clockToleranceSec": 60,
        "maxLifetimeSec": 300,
        "replay": "single-use"
    })
}

/// The enterprise policy document (grant_policy.rs) used as a seed and in `options`.
pub fn policy_doc() -> Value {
    json!({
        "claims": { "groups": "groups", "roles": "roles" },
        "rules": [
            { "id": "eng-read", "effect": "allow", "groups": ["engineering"],
              "resources": [RESOURCE], "scopes": ["files.read", "files.write"] },
            { "id": "all-read", "effect": "allow", "issuers": [IDP], "clients": ["*"],
              "scopes": ["files.read"] },
            { "id": "no-contractors", "effect": "deny", "groups": ["contractors"] },
            { "id": "no-write-interns", "effect": "deny", "roles": ["intern"], "scopes": ["files.write"] }
        ]
    })
}

pub fn ctx() -> VerifyContext<'static> {
    VerifyContext {
        client_id: CLIENT_ID,
        now: NOW,
        scope: None,
        resource: Some(RESOURCE),
        keys_now: None,
    }
}

pub fn expect() -> Expect<'static> {
    Expect {
        audience: Some(AS),
        resource: Some(RESOURCE),
        client_id: Some(CLIENT_ID),
        now: Some(NOW),
    }
}

pub struct Grants {
    pub verifier: Verifier,
    /// The valid grant, minted once.
    pub valid: String,
    /// What `check` made of it at startup.
    pub verified: VerifiedGrant,
}

impl Grants {
    /// The property every target re-checks after each input: nothing an input did (global
    /// state, caches, the replay store) changes the verdict on the valid grant.
    pub fn assert_valid_still_verifies(&self) {
        match self.verifier.check(&self.valid, &ctx()) {
            Ok(g) => assert!(
                g == self.verified,
                "the valid grant verifies differently than at startup"
            ),
            Err(e) => panic!("the valid grant no longer verifies: {e:?}"),
        }
    }

    /// Only the fixture key signs, and it signed one header and claim set: any accepted token
    /// must carry exactly those (else a signature or parsing bypass).
    pub fn assert_accepted_is_ours(&self, g: &VerifiedGrant) {
        assert!(
            g.header == self.verified.header && g.claims == self.verified.claims,
            "a token other than the minted grant was accepted"
        );
    }
}

pub fn grants() -> &'static Grants {
    static G: OnceLock<Grants> = OnceLock::new();
    G.get_or_init(|| {
        let jwk: Value = serde_json::from_str(IDP_KEY).expect("fixture key is json");
        let mut idp = TestIssuer::new(IDP, Some(Alg::ES256), None, Some(&jwk)).expect("issuer");
        let valid = idp
            .mint(&MintParams {
                audience: AS.into(),
                client_id: CLIENT_ID.into(),
                subject: Some("alice@acme.example".into()),
                resource: Some(json!(RESOURCE)),
                scope: Some(SCOPE.into()),
                now_sec: NOW,
                lifetime_sec: Some(300.0),
                jti: Some("fuzz-grant-0001".into()),
                tenant: Some(TENANT.into()),
                claims: Some(object(
                    json!({ "groups": ["engineering"], "auth_time": NOW - 30.0 }),
                )),
                variant: None,
            })
            .expect("mint the valid grant");
        let options = VerifierOptions::from_value(verifier_options()).expect("options");
        let verifier = Verifier::new(options).expect("verifier");
        let verified = verifier
            .check(&valid, &ctx())
            .expect("the valid grant verifies");
        let lint = idjag::inspect::inspect(&valid, &expect());
        assert!(
            lint.findings.iter().all(|f| f.severity != Severity::Error),
            "inspect finds an error in the valid grant: {:?}",
            lint.findings
        );
        Grants {
            verifier,
            valid,
            verified,
        }
    })
}

/// Grants built with the fixture IdP key by the seeds binary (the defective ones).
pub fn mint_variant(variant: &str) -> Option<String> {
    let jwk: Value = serde_json::from_str(IDP_KEY).ok()?;
    let mut idp = TestIssuer::new(IDP, Some(Alg::ES256), None, Some(&jwk)).ok()?;
    let p = |variant: &str| MintParams {
        audience: AS.into(),
        client_id: CLIENT_ID.into(),
        resource: Some(json!(RESOURCE)),
        scope: Some(SCOPE.into()),
        now_sec: NOW,
        jti: Some(format!("fuzz-{variant}")),
        tenant: Some(TENANT.into()),
        variant: Some(variant.into()),
        ..MintParams::default()
    };
    if variant == "replayed" {
        idp.mint(&p("valid")).ok()?;
    }
    idp.mint(&p(variant)).ok()
}

pub struct AccessTokens {
    pub verifier: AccessTokenVerifier,
    pub valid: String,
}

pub fn access_token_claims() -> Map<String, Value> {
    object(json!({
        "iss": AS, "sub": "alice@acme.example", "aud": RESOURCE, "client_id": CLIENT_ID,
        "iat": NOW as i64, "exp": NOW as i64 + 300, "jti": "fuzz-at-0001", "scope": SCOPE
    }))
}

pub fn access_tokens() -> &'static AccessTokens {
    static A: OnceLock<AccessTokens> = OnceLock::new();
    A.get_or_init(|| {
        let k = key(AS_KEY);
        let jwks = json!({ "keys": [k.public_jwk()] });
        let valid = k
            .sign_jwt(idjag::server::AT_TYP, &access_token_claims(), None)
            .expect("sign the access token");
        let verifier =
            AccessTokenVerifier::new(AS, RESOURCE, &jwks, None, 60).expect("access verifier");
        let a = AccessTokens { verifier, valid };
        a.assert_valid_still_verifies();
        a
    })
}

impl AccessTokens {
    pub fn assert_valid_still_verifies(&self) {
        match self.verifier.verify(&self.valid, NOW, &["files.read"]) {
            Ok(info) => assert!(
                info.jti == "fuzz-at-0001" && info.resource == RESOURCE,
                "the valid access token verifies differently"
            ),
            Err(e) => panic!("the valid access token no longer verifies: {e:?}"),
        }
    }
}

/// The token endpoint's client registry: one client per authentication method.
pub fn registry_options() -> Value {
    json!({
        "issuer": AS,
        "tokenEndpoint": TOKEN_ENDPOINT,
        "allowPublicClients": true,
        "clients": [
            { "clientId": CLIENT_ID, "tokenEndpointAuthMethod": "private_key_jwt",
              "jwks": { "keys": [key(CLIENT_KEY).public_jwk()] } },
            { "clientId": BASIC_CLIENT, "tokenEndpointAuthMethod": "client_secret_basic",
              "clientSecret": BASIC_SECRET },
            { "clientId": POST_CLIENT, "tokenEndpointAuthMethod": "client_secret_post",
              "clientSecret": POST_SECRET },
            { "clientId": "client-public", "tokenEndpointAuthMethod": "none" },
            { "clientId": "client-remote", "tokenEndpointAuthMethod": "private_key_jwt",
              "jwksUri": "https://client.example.com/jwks.json" },
            { "clientId": "client-code-only", "tokenEndpointAuthMethod": "client_secret_basic",
              "clientSecret": "code-only-secret-0123", "grantTypes": ["authorization_code"] }
        ]
    })
}

/// `client-1`'s client assertion (RFC 7523 §3), valid at `NOW`.
pub fn client_assertion() -> String {
    let claims = object(json!({
        "iss": CLIENT_ID, "sub": CLIENT_ID, "aud": AS,
        "iat": NOW as i64, "exp": NOW as i64 + 120, "jti": "fuzz-ca-0001"
    }));
    key(CLIENT_KEY)
        .sign_jwt("JWT", &claims, None)
        .expect("sign the client assertion")
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The jwt-bearer form body for `client-1` (private_key_jwt).
pub fn form_body(assertion: &str, client_assertion: &str) -> String {
    format!(
        "grant_type={}&assertion={assertion}&scope=files.read&resource={}&client_assertion_type={}&client_assertion={client_assertion}",
        pct(idjag::server::JWT_BEARER),
        pct(RESOURCE),
        pct(idjag::server::CLIENT_ASSERTION_JWT),
    )
}

/// The `token_request` target's input format: five fields, one per line, the body last
/// (it may hold newlines). An empty content-type or authorization line means "absent".
///
/// ```text
/// METHOD\nCONTENT-TYPE\nQUERY\nAUTHORIZATION\nBODY...
/// ```
pub fn split_request(input: &str) -> RawTokenRequest<'_> {
    let mut it = input.splitn(5, '\n');
    let mut next = || it.next().unwrap_or("");
    let method = next();
    let content_type = Some(next()).filter(|s| !s.is_empty());
    let query = next();
    let authorization = Some(next()).filter(|s| !s.is_empty());
    let body = next();
    RawTokenRequest {
        method,
        content_type,
        query,
        body,
        authorization,
    }
}

pub fn join_request(
    method: &str,
    content_type: &str,
    query: &str,
    authorization: &str,
    body: &str,
) -> String {
    format!("{method}\n{content_type}\n{query}\n{authorization}\n{body}")
}

pub struct Clients {
    pub registry: ClientRegistry,
    /// Requests that must parse and authenticate whatever came before (one per method).
    pub valid_requests: Vec<(String, &'static str)>,
}

pub fn basic_header(id: &str, secret: &str) -> String {
    use base64_lite::encode;
    format!("Basic {}", encode(format!("{id}:{secret}").as_bytes()))
}

/// Standard base64 with padding, enough for a Basic header (no extra dependency).
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk.first().copied().unwrap_or(0),
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

pub fn clients() -> &'static Clients {
    static C: OnceLock<Clients> = OnceLock::new();
    C.get_or_init(|| {
        let o: ClientRegistryOptions =
            serde_json::from_value(registry_options()).expect("registry options");
        let registry = ClientRegistry::new(o).expect("registry");
        let form = "application/x-www-form-urlencoded";
        let grant = &grants().valid;
        let bearer = format!(
            "grant_type={}&assertion={grant}&scope=files.read",
            pct(idjag::server::JWT_BEARER)
        );
        let valid_requests = vec![
            (
                join_request(
                    "POST",
                    form,
                    "",
                    &basic_header(BASIC_CLIENT, BASIC_SECRET),
                    &bearer,
                ),
                BASIC_CLIENT,
            ),
            (
                join_request(
                    "POST",
                    "application/x-www-form-urlencoded; charset=UTF-8",
                    "",
                    "",
                    &format!("{bearer}&client_id={POST_CLIENT}&client_secret={POST_SECRET}"),
                ),
                POST_CLIENT,
            ),
        ];
        let c = Clients {
            registry,
            valid_requests,
        };
        c.assert_valid_requests_pass();
        // The private_key_jwt request once (an ECDSA verify: not on every input).
        let pkjwt = join_request("POST", form, "", "", &form_body(grant, &client_assertion()));
        c.authenticate(&pkjwt, CLIENT_ID);
        c
    })
}

impl Clients {
    fn authenticate(&self, request: &str, client_id: &str) {
        let raw = split_request(request);
        let req = match TokenRequest::parse(&raw) {
            Ok(r) => r,
            Err(e) => panic!("a valid token request no longer parses: {e:?}"),
        };
        match self.registry.authenticate(&req.credentials, NOW) {
            Ok(c) => assert!(c.client_id == client_id, "authenticated as another client"),
            Err(e) => panic!("a valid client no longer authenticates: {e:?}"),
        }
    }

    pub fn assert_valid_requests_pass(&self) {
        for (request, client_id) in &self.valid_requests {
            self.authenticate(request, client_id);
        }
    }
}
