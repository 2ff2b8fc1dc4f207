//! The token endpoint end to end, natively: the sans-I/O machine of src/server/endpoint.rs driven
//! by a host with an in-memory replay set and a key "loader" (a map of jwks documents).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg(feature = "signing")]

use idjag::KeySet;
use idjag::server::ClientRegistry;
use idjag::server::RawTokenRequest;
use idjag::server::SigningKey;
use idjag::server::{AccessTokenIssuer, AccessTokenVerifier};
use idjag::server::{
    Answer, Consumed, Decision, EndpointOptions, KeysAnswer, Need, Step, SubjectAnswer,
    TokenEndpoint,
};
use idjag::testing::{MintParams, TestIssuer};
use idjag::{Alg, Verifier};
use serde_json::{Value, from_value, json};
use std::collections::HashSet;

const AS: &str = "https://as.example.com";
const IDP: &str = "https://idp.example.com";
const IDP_JWKS_URI: &str = "https://idp.example.com/jwks";
const CLIENT_JWKS_URI: &str = "https://app.example.com/jwks";
const MCP: &str = "https://mcp.example.com/mcp";
const MCP2: &str = "https://files.example.com/mcp";
const SECRET: &str = "a long enough client secret!";
const NOW: f64 = 1_800_000_000.0;
const JWT_BEARER: &str = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";
const ASSERTION_TYPE: &str = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";

struct Host {
    endpoint: TokenEndpoint,
    idp: TestIssuer,
    client_key: SigningKey,
    /// The host's replay store (the grants' and the client assertions').
    used: HashSet<String>,
    /// The host's subject mapping, when configured.
    accounts: Option<SubjectAnswer>,
}

fn host(options: EndpointOptions) -> Host {
    let idp = TestIssuer::new(IDP, Some(Alg::ES256), Some("idp-1".into()), None).unwrap();
    let client_key = SigningKey::generate(Alg::ES256, Some("app-1".into())).unwrap();
    let grants = from_value(json!({
        "audience": AS,
        // The IdP's keys are remote: the machine asks for them (Need::IssuerKeys).
        "issuers": [{ "issuer": IDP, "jwksUri": IDP_JWKS_URI }],
        "resources": [MCP, MCP2],
    }))
    .unwrap();
    let registry = ClientRegistry::new(
        from_value(json!({
            "issuer": AS,
            "clients": [
                { "clientId": "secret-app", "tokenEndpointAuthMethod": "client_secret_basic", "clientSecret": SECRET },
                { "clientId": "jwt-app", "tokenEndpointAuthMethod": "private_key_jwt", "jwksUri": CLIENT_JWKS_URI },
            ],
        }))
        .unwrap(),
    )
    .unwrap();
    let at_key = SigningKey::generate(Alg::ES256, Some("at-1".into())).unwrap();
    let endpoint = TokenEndpoint::new(
        registry,
        Verifier::new(grants).unwrap(),
        AccessTokenIssuer::new(AS, at_key, 300).unwrap(),
        options,
    )
    .unwrap();
    Host {
        endpoint,
        idp,
        client_key,
        used: HashSet::new(),
        accounts: None,
    }
}

impl Host {
    fn grant(&mut self, client_id: &str, audience: &str, resource: Value) -> String {
        self.idp
            .mint(&MintParams {
                audience: audience.to_owned(),
                client_id: client_id.to_owned(),
                subject: Some("alice".into()),
                resource: Some(resource),
                scope: Some("files.read".into()),
                now_sec: NOW,
                ..Default::default()
            })
            .unwrap()
    }

    fn client_assertion(&self, jti: &str) -> String {
        let claims = json!({
            "iss": "jwt-app", "sub": "jwt-app", "aud": AS, "iat": NOW, "exp": NOW + 60.0, "jti": jti,
        });
        self.client_key
            .sign_jwt("JWT", claims.as_object().unwrap(), None)
            .unwrap()
    }

    /// One request through the machine; every need is answered like a host would, and
    /// recorded (so a test can tell which steps were reached).
    fn post(&mut self, body: &str, authorization: Option<&str>) -> (Decision, Vec<Need>) {
        let raw = RawTokenRequest {
            method: "POST",
            content_type: Some("application/x-www-form-urlencoded"),
            query: "",
            body,
            authorization,
        };
        let mut exchange = self.endpoint.exchange(&raw, NOW);
        let mut needs = Vec::new();
        loop {
            let need = match exchange.step(&self.endpoint) {
                Step::Done(d) => return (*d, needs),
                Step::Need(n) => n,
            };
            needs.push(need.clone());
            let answer = match &need {
                Need::ClientKeys {
                    client_id,
                    jwks_uri,
                    ..
                } => {
                    assert_eq!(jwks_uri, CLIENT_JWKS_URI);
                    let keys = json!({ "keys": [self.client_key.public_jwk()] });
                    let keys = KeySet::parse(&keys, "jwks").unwrap();
                    self.endpoint
                        .set_client_keys(client_id, keys, Some(NOW + 300.0))
                        .unwrap();
                    Answer::Keys(KeysAnswer::Installed { changed: true })
                }
                Need::IssuerKeys { issuer, .. } => {
                    assert_eq!(issuer, IDP);
                    let keys = KeySet::parse(&self.idp.jwks(), "jwks").unwrap();
                    self.endpoint
                        .set_issuer_keys(issuer, keys, Some(NOW + 300.0))
                        .unwrap();
                    Answer::Keys(KeysAnswer::Installed { changed: true })
                }
                Need::ConsumeAssertion { key, .. } | Need::ConsumeGrant { key, .. } => {
                    Answer::Consumed(if self.used.insert(key.clone()) {
                        Consumed::Fresh
                    } else {
                        Consumed::AlreadyUsed
                    })
                }
                Need::MapSubject { grant } => {
                    assert_eq!(grant.subject, "alice");
                    Answer::Subject(self.accounts.clone().expect("a subject mapping"))
                }
            };
            exchange.answer(answer).unwrap();
        }
    }
}

fn basic(client_id: &str, secret: &str) -> String {
    use base64::Engine;
    let text = format!("{client_id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

fn grant_body(grant: &str) -> String {
    format!("grant_type={JWT_BEARER}&assertion={grant}")
}

fn checks(d: &Decision) -> Vec<&str> {
    d.event["idjag.checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

fn consumed_grant(needs: &[Need]) -> bool {
    needs.iter().any(|n| matches!(n, Need::ConsumeGrant { .. }))
}

fn header<'a>(d: &'a Decision, name: &str) -> Option<&'a str> {
    d.headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

/// The grant checks of the core, in order (docs/internals.md).
const GRANT_CHECKS: [&str; 16] = [
    "structure",
    "header",
    "typ",
    "alg",
    "issuer",
    "key",
    "signature",
    "claims",
    "audience",
    "client",
    "time",
    "tenant",
    "unsupported",
    "subject",
    "resource",
    "scope",
];

fn success_checks() -> Vec<&'static str> {
    let mut c = vec!["request", "client_auth"];
    c.extend(GRANT_CHECKS);
    c.extend(["replay", "mint"]); // no enterprise policy configured: no "policy" check
    c
}

#[test]
fn client_secret_grant_to_access_token_then_replay_refused() {
    let mut h = host(EndpointOptions::default());
    let grant = h.grant("secret-app", AS, json!(MCP));
    let auth = basic("secret-app", SECRET);
    let (d, needs) = h.post(&grant_body(&grant), Some(&auth));
    assert_eq!(d.status, 200, "{:?}", d.event);
    assert_eq!(header(&d, "cache-control"), Some("no-store"));
    assert_eq!(header(&d, "content-type"), Some("application/json"));
    // The issuer's keys were asked for, then the grant consumed: in that order.
    assert!(matches!(needs.first(), Some(Need::IssuerKeys { .. })));
    assert!(matches!(needs.last(), Some(Need::ConsumeGrant { issuer, .. }) if issuer == IDP));

    let body: Value = serde_json::from_str(&d.body).unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["resource"], MCP);
    assert_eq!(body["scope"], "files.read");
    assert!(d.body.starts_with("{\"access_token\":"), "{}", d.body);
    assert!(d.body.contains("\"expires_in\":300,"), "{}", d.body);

    // The resource server's verifier accepts the token.
    let at = body["access_token"].as_str().unwrap();
    let rs = AccessTokenVerifier::new(AS, MCP, &h.endpoint.issuer().jwks(), None, 60).unwrap();
    let info = rs.verify(at, NOW + 1.0, &["files.read"]).unwrap();
    assert_eq!(info.subject, "alice");
    assert_eq!(info.client_id, "secret-app");
    assert_eq!(info.resource, MCP);

    let e = &d.event;
    assert_eq!(e["event.name"], "idjag.token_request");
    assert_eq!(e["event.outcome"], "success");
    assert_eq!(e["time"], "2027-01-15T08:00:00.000Z");
    assert_eq!(e["http.response.status_code"], 200);
    assert_eq!(checks(&d), success_checks());
    assert_eq!(e["oauth.client.id"], "secret-app");
    assert_eq!(e["oauth.client.auth_method"], "client_secret_basic");
    assert_eq!(e["idjag.grant.issuer"], IDP);
    assert_eq!(e["idjag.grant.verified"], true);
    assert_eq!(e["idjag.resource"], MCP);
    assert_eq!(e["idjag.scopes.granted"], json!(["files.read"]));
    assert_eq!(e["idjag.scopes.dropped"], json!([]));
    assert_eq!(e["idjag.access_token.jti"], json!(info.jti));
    assert_eq!(
        e["user.hash"],
        json!(idjag::server::hash_subject(IDP, "alice", ""))
    );
    // Token-free, and the subject hashed: neither the grant, the token nor the user.
    let text = Value::Object(e.clone()).to_string();
    assert!(!text.contains(&grant) && !text.contains(at) && !text.contains("alice"));
    assert!(e.get("error.type").is_none() && e.get("idjag.access_token.sub").is_none());

    // The same grant again: every check passes, the replay store answers "already used".
    let (d, needs) = h.post(&grant_body(&grant), Some(&auth));
    assert_eq!(d.status, 400);
    assert_eq!(
        d.body,
        r#"{"error":"invalid_grant","error_description":"the grant is not valid"}"#
    );
    assert!(consumed_grant(&needs));
    let e = &d.event;
    assert_eq!(e["event.outcome"], "failure");
    assert_eq!(e["error.type"], "ERR_REPLAY");
    assert_eq!(e["oauth.error"], "invalid_grant");
    assert_eq!(e["idjag.reason"], "grant already used");
    assert_eq!(e["idjag.grant.verified"], true);
    let mut expected = success_checks();
    expected.pop(); // never minted
    assert_eq!(checks(&d), expected);
}

#[test]
fn private_key_jwt_client_keys_are_loaded_and_the_assertion_is_single_use() {
    let mut h = host(EndpointOptions {
        hash_subject: false,
        ..Default::default()
    });
    let grant = h.grant("jwt-app", AS, json!(MCP));
    let body = |a: &str| {
        format!(
            "{}&client_assertion_type={ASSERTION_TYPE}&client_assertion={a}",
            grant_body(&grant)
        )
    };
    let (d, needs) = h.post(&body(&h.client_assertion("a-1")), None);
    assert_eq!(d.status, 200, "{:?}", d.event);
    let kinds: Vec<&str> = needs
        .iter()
        .map(|n| match n {
            Need::ClientKeys { .. } => "client keys",
            Need::ConsumeAssertion { .. } => "assertion",
            Need::IssuerKeys { .. } => "issuer keys",
            Need::MapSubject { .. } => "subject",
            Need::ConsumeGrant { .. } => "grant",
        })
        .collect();
    assert_eq!(kinds, ["client keys", "assertion", "issuer keys", "grant"]);
    let e = &d.event;
    assert_eq!(e["oauth.client.auth_method"], "private_key_jwt");
    // Subjects not hashed: the user and the token's subject are named.
    assert_eq!(e["user.id"], "alice");
    assert_eq!(e["idjag.access_token.sub"], "alice");
    assert!(e.get("user.hash").is_none());

    // A replayed client assertion (with a fresh grant): refused before the grant is read.
    let grant2 = h.grant("jwt-app", AS, json!(MCP));
    let body2 = format!(
        "{}&client_assertion_type={ASSERTION_TYPE}&client_assertion={}",
        grant_body(&grant2),
        h.client_assertion("a-1")
    );
    let (d, needs) = h.post(&body2, None);
    assert_eq!(d.status, 401);
    assert!(!consumed_grant(&needs));
    assert_eq!(checks(&d), ["request", "client_auth"]);
    assert_eq!(d.event["idjag.reason"], "client assertion was already used");
    assert_eq!(d.event["idjag.rule"], "R3");
    assert_eq!(d.event["error.type"], "invalid_client");
}

#[test]
fn refusals_never_reach_the_replay_step() {
    let mut h = host(EndpointOptions::default());

    // Wrong client secret: 401 with the Basic challenge.
    let grant = h.grant("secret-app", AS, json!(MCP));
    let (d, needs) = h.post(
        &grant_body(&grant),
        Some(&basic("secret-app", "wrong secret!")),
    );
    assert_eq!(d.status, 401);
    assert!(needs.is_empty());
    assert_eq!(
        header(&d, "www-authenticate"),
        Some("Basic realm=\"token\", charset=\"UTF-8\"")
    );
    assert_eq!(checks(&d), ["request", "client_auth"]);
    assert_eq!(d.event["idjag.reason"], "client secret does not match");
    assert_eq!(d.event["idjag.rule"], "R3");
    assert_eq!(d.event["oauth.error"], "invalid_client");
    assert!(d.event.get("idjag.grant.jti").is_none());

    // A grant made for another audience: refused, read but marked unverified.
    let other = h.grant("secret-app", "https://other-as.example.com", json!(MCP));
    let auth = basic("secret-app", SECRET);
    let (d, needs) = h.post(&grant_body(&other), Some(&auth));
    assert_eq!(d.status, 400);
    assert!(!consumed_grant(&needs));
    assert_eq!(d.event["error.type"], "ERR_AUDIENCE");
    assert_eq!(d.event["oauth.error"], "invalid_grant");
    assert_eq!(d.event["idjag.grant.verified"], false);
    assert_eq!(d.event["idjag.grant.issuer"], IDP);
    assert_eq!(checks(&d).last(), Some(&"audience"));
    assert!(!checks(&d).contains(&"replay"));

    // Two resources and no `resource` parameter: R50, before the jti is consumed.
    let two = h.grant("secret-app", AS, json!([MCP, MCP2]));
    let (d, needs) = h.post(&grant_body(&two), Some(&auth));
    assert_eq!(d.status, 400);
    assert!(!consumed_grant(&needs));
    assert_eq!(
        d.body,
        r#"{"error":"invalid_target","error_description":"the requested resource is not valid"}"#
    );
    assert_eq!(d.event["idjag.rule"], "R50");
    assert_eq!(d.event["error.type"], "ERR_RESOURCE");
    assert_eq!(
        d.event["idjag.reason"],
        "the grant names several resources: request one"
    );
    assert_eq!(d.event["idjag.resource"], format!("{MCP} {MCP2}"));
    assert_eq!(d.event["idjag.grant.verified"], true);
    assert!(!checks(&d).contains(&"replay"));

    // R29: the refusal did not burn the grant: asked again for one resource, it works.
    let with_resource = format!(
        "{}&resource={}",
        grant_body(&two),
        MCP2.replace(':', "%3A").replace('/', "%2F")
    );
    let (d, needs) = h.post(&with_resource, Some(&auth));
    assert_eq!(d.status, 200, "{:?}", d.event);
    assert!(consumed_grant(&needs));
    assert_eq!(d.event["idjag.resource"], MCP2);
}

#[test]
fn request_errors_and_misfit_answers() {
    let h = host(EndpointOptions::default());
    let raw = RawTokenRequest {
        method: "GET",
        content_type: None,
        query: "",
        body: "",
        authorization: None,
    };
    let mut x = h.endpoint.exchange(&raw, NOW);
    // Nothing is pending: an answer is refused and changes nothing.
    assert!(x.answer(Answer::Consumed(Consumed::Fresh)).is_err());
    let Step::Done(d) = x.step(&h.endpoint) else {
        panic!("a GET needs nothing")
    };
    assert_eq!(d.status, 405);
    assert_eq!(header(&d, "allow"), Some("POST"));
    assert_eq!(checks(&d), ["request"]);
    assert_eq!(d.event["error.type"], "invalid_request");
    // Done stays done.
    assert_eq!(x.step(&h.endpoint), Step::Done(d));
}

#[test]
fn the_grants_audience_must_be_the_token_issuer() {
    let grants = from_value(json!({
        "audience": AS,
        "issuers": [{ "issuer": IDP, "jwksUri": IDP_JWKS_URI }],
        "resources": [MCP],
    }))
    .unwrap();
    let registry =
        ClientRegistry::new(from_value(json!({ "issuer": AS, "clients": [] })).unwrap()).unwrap();
    let key = SigningKey::generate(Alg::ES256, None).unwrap();
    let e = TokenEndpoint::new(
        registry,
        Verifier::new(grants).unwrap(),
        AccessTokenIssuer::new("https://elsewhere.example.com", key, 300).unwrap(),
        EndpointOptions::default(),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), idjag::ErrorCode::Config);
}

#[test]
fn the_hosts_subject_mapping_runs_before_the_grant_is_consumed() {
    let mut h = host(EndpointOptions {
        map_subject: true,
        hash_subject: false,
        ..Default::default()
    });
    let grant = h.grant("secret-app", AS, json!(MCP));
    let auth = basic("secret-app", SECRET);
    // No local account: refused, and the grant is not burned (R29).
    h.accounts = Some(SubjectAnswer::NoAccount);
    let (d, needs) = h.post(&grant_body(&grant), Some(&auth));
    assert_eq!(d.status, 400);
    assert!(matches!(needs.last(), Some(Need::MapSubject { .. })));
    assert!(!consumed_grant(&needs));
    assert_eq!(d.event["error.type"], "ERR_POLICY");
    assert_eq!(d.event["idjag.reason"], "no local account for this subject");
    // Once the account exists, the same grant gets a token for it.
    h.accounts = Some(SubjectAnswer::Local("local-42".into()));
    let (d, needs) = h.post(&grant_body(&grant), Some(&auth));
    assert_eq!(d.status, 200, "{:?}", d.event);
    assert!(consumed_grant(&needs));
    assert_eq!(d.event["idjag.access_token.sub"], "local-42");
    assert_eq!(
        d.minted.as_ref().map(|m| m.subject.as_str()),
        Some("local-42")
    );
    // A mapping that fails is a server error, not the client's fault.
    let grant = h.grant("secret-app", AS, json!(MCP));
    h.accounts = Some(SubjectAnswer::Failed("directory unavailable".into()));
    let (d, _) = h.post(&grant_body(&grant), Some(&auth));
    assert_eq!(d.status, 500);
    assert_eq!(
        d.event["idjag.reason"],
        "mapSubject failed: directory unavailable"
    );
}

#[test]
fn issuer_keys_that_lack_the_kid_are_final() {
    let mut h = host(EndpointOptions::default());
    // Keys of another IdP key are installed: the grant's kid is unknown.
    let stranger = TestIssuer::new(IDP, Some(Alg::ES256), Some("other".into()), None).unwrap();
    let keys = KeySet::parse(&stranger.jwks(), "jwks").unwrap();
    h.endpoint
        .set_issuer_keys(IDP, keys, Some(NOW + 300.0))
        .unwrap();
    let grant = h.grant("secret-app", AS, json!(MCP));
    let raw_body = grant_body(&grant);
    let auth = basic("secret-app", SECRET);
    let raw = RawTokenRequest {
        method: "POST",
        content_type: Some("application/x-www-form-urlencoded"),
        query: "",
        body: &raw_body,
        authorization: Some(&auth),
    };
    let mut x = h.endpoint.exchange(&raw, NOW);
    let Step::Need(Need::IssuerKeys { kid, reason, .. }) = x.step(&h.endpoint) else {
        panic!("the issuer's keys are asked for")
    };
    assert_eq!(kid.as_deref(), Some("idp-1"));
    assert_eq!(reason.as_str(), "unknown-kid");
    // Asked again before answering: the same need.
    assert!(matches!(
        x.step(&h.endpoint),
        Step::Need(Need::IssuerKeys { .. })
    ));
    // The loader may not refetch yet: the answer is final.
    x.answer(Answer::Keys(KeysAnswer::Unchanged)).unwrap();
    let Step::Done(d) = x.step(&h.endpoint) else {
        panic!("done")
    };
    assert_eq!(d.status, 400);
    assert_eq!(d.event["error.type"], "ERR_KEY");
    let reason = d.event["idjag.reason"].as_str().unwrap();
    assert!(reason.contains("not refetched"), "{reason}");
    assert!(reason.contains(IDP), "{reason}");
    assert_eq!(checks(&d).last(), Some(&"key"));
}
