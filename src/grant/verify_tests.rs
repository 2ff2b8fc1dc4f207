//! Pipeline tests for the -04 / issue 11 rules: R10a, R18a, R51–R55, aud_tenant / aud_sub,
//! and the replay store under a future `now`. Included from `verify.rs`.

use crate::error::ErrorCode;
use crate::jose::crypto::Alg;
use crate::jose::sign::SigningKey;
use crate::testing::{MintParams, TestIssuer};
use crate::{Verifier, VerifierOptions, VerifyContext};
use serde_json::{Map, Value, json};

const AS: &str = "https://as.test";
const IDP: &str = "https://idp.test";
const MCP: &str = "https://mcp.test/mcp";
const NOW: f64 = 1_767_225_600.0;

fn verifier(idp_jwks: Value, issuer_extra: Value, extra: Value) -> Result<Verifier, crate::Error> {
    let mut o =
        json!({"audience": AS, "issuers": [{"issuer": IDP, "jwks": idp_jwks}], "resources": [MCP]});
    for (k, v) in issuer_extra.as_object().unwrap() {
        o["issuers"][0][k] = v.clone();
    }
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    Verifier::new(VerifierOptions::from_value(o)?)
}

fn claims(extra: Value) -> Map<String, Value> {
    let mut c = json!({"iss": IDP, "sub": "alice", "aud": AS, "client_id": "c1",
        "jti": format!("j-{}", extra), "iat": NOW, "exp": NOW + 60.0, "resource": MCP});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c.as_object().cloned().unwrap()
}

fn ctx() -> VerifyContext<'static> {
    VerifyContext::new("c1", NOW)
}

fn code(r: Result<crate::VerifiedGrant, crate::Error>) -> Option<(ErrorCode, String)> {
    r.err()
        .map(|e| (e.code(), e.claim_name().unwrap_or_default().to_owned()))
}

// R10a: `Ed25519` (RFC 9864) is EdDSA with an Ed25519 key: in the header, the JWK `alg`
// and allow-lists, either spelling accepts the other. The header keeps its spelling.
#[test]
fn r10a_ed25519_tokens_keys_and_allow_lists() {
    let key = SigningKey::generate(Alg::EdDSA, Some("ed".into())).unwrap();
    let sign = |alg: &str| {
        let mut h = Map::new();
        h.insert("alg".into(), json!(alg));
        key.sign_jwt("oauth-id-jag+jwt", &claims(json!({"alg": alg})), Some(&h))
            .unwrap()
    };
    let mut jwk_ed25519 = key.public_jwk();
    jwk_ed25519["alg"] = json!("Ed25519");
    let mut jwk_eddsa = key.public_jwk();
    jwk_eddsa["alg"] = json!("EdDSA");
    for jwk in [key.public_jwk(), jwk_ed25519, jwk_eddsa] {
        for list in [None, Some(json!(["EdDSA"])), Some(json!(["Ed25519"]))] {
            let extra = match &list {
                Some(l) => json!({"algorithms": l}),
                None => json!({}),
            };
            let v = verifier(json!({"keys": [jwk.clone()]}), json!({}), extra).unwrap();
            for alg in ["Ed25519", "EdDSA"] {
                let g = v.check(&sign(alg), &ctx());
                assert!(g.is_ok(), "token {alg}, jwk {jwk}, list {list:?}: {g:?}");
                assert_eq!(
                    g.unwrap().header["alg"],
                    alg,
                    "the token's spelling is kept"
                );
            }
        }
    }
    // Ed25519 names only an OKP key: an EC key with alg Ed25519 is set aside (R14).
    let ec = SigningKey::generate(Alg::ES256, Some("ec".into())).unwrap();
    let mut bad = ec.public_jwk();
    bad["alg"] = json!("Ed25519");
    assert!(verifier(json!({"keys": [bad]}), json!({}), json!({})).is_err());
    // Not allowed when EdDSA is not on the list.
    let v = verifier(
        json!({"keys": [key.public_jwk()]}),
        json!({}),
        json!({"algorithms": ["ES256"]}),
    )
    .unwrap();
    assert_eq!(
        code(v.check(&sign("Ed25519"), &ctx())),
        Some((ErrorCode::Alg, "alg".into()))
    );
}

fn es256() -> (SigningKey, Value) {
    let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
    let jwks = json!({"keys": [key.public_jwk()]});
    (key, jwks)
}

fn token(key: &SigningKey, extra: Value) -> String {
    key.sign_jwt("oauth-id-jag+jwt", &claims(extra), None)
        .unwrap()
}

const SAML: &str = "https://saml.idp.test/metadata";

fn nameid(issuer: &str) -> Value {
    json!({"format": "saml-nameid", "issuer": issuer, "nameid": "alice@example.com",
        "sp_name_qualifier": "https://as.test/saml"})
}

// R51/R52 in the pipeline; VerifiedGrant carries subId and subIdTrusted (R55).
#[test]
fn r51_r55_sub_id_is_type_checked_and_reported() {
    let (key, jwks) = es256();
    let v = verifier(jwks.clone(), json!({"subIdIssuers": [SAML]}), json!({})).unwrap();
    let g = v
        .check(&token(&key, json!({"sub_id": nameid(SAML)})), &ctx())
        .unwrap();
    assert_eq!(g.sub_id, Some(nameid(SAML)));
    assert!(g.sub_id_trusted);
    let out = serde_json::to_value(&g).unwrap();
    assert_eq!(out["subId"]["format"], "saml-nameid");
    assert_eq!(out["subIdTrusted"], true);
    // Not associated with this iss: accepted, but untrusted (R55).
    let g = v
        .check(
            &token(&key, json!({"sub_id": nameid("https://other-saml")})),
            &ctx(),
        )
        .unwrap();
    assert!(!g.sub_id_trusted);
    // No subIdIssuers configured: informative only.
    let plain = verifier(jwks, json!({}), json!({})).unwrap();
    let g = plain
        .check(&token(&key, json!({"sub_id": nameid(SAML)})), &ctx())
        .unwrap();
    assert!(!g.sub_id_trusted);
    let g = plain.check(&token(&key, json!({})), &ctx()).unwrap();
    assert_eq!(g.sub_id, None);
    assert!(
        !serde_json::to_value(&g)
            .unwrap()
            .as_object()
            .unwrap()
            .contains_key("subId")
    );
    // Malformed (R51/R52): ERR_CLAIM sub_id.
    for bad in [
        json!("alice"),
        json!({"format": "saml-nameid", "issuer": SAML}),
        json!({"format": "email", "email": 1}),
    ] {
        assert_eq!(
            code(plain.check(&token(&key, json!({"sub_id": bad})), &ctx())),
            Some((ErrorCode::Claim, "sub_id".into()))
        );
    }
}

// R54: requireSubId refuses absent, malformed, other-format and unassociated sub_id, all
// ERR_CLAIM (invalid_grant) with their own message; and only after the signature (R55).
#[test]
fn r54_require_sub_id() {
    let (key, jwks) = es256();
    let v = verifier(
        jwks,
        json!({"subIdIssuers": [SAML], "requireSubId": "saml-nameid"}),
        json!({}),
    )
    .unwrap();
    assert!(
        v.check(&token(&key, json!({"sub_id": nameid(SAML)})), &ctx())
            .unwrap()
            .sub_id_trusted
    );
    let mut messages = Vec::new();
    for extra in [
        json!({}),
        json!({"sub_id": {"format": "saml-nameid", "nameid": "x"}}),
        json!({"sub_id": {"format": "saml_nameid", "issuer": SAML, "nameid": "x"}}),
        json!({"sub_id": {"format": "email", "email": "alice@example.com"}}),
        json!({"sub_id": nameid("https://attacker-saml")}),
    ] {
        let e = v.check(&token(&key, extra.clone()), &ctx()).unwrap_err();
        assert_eq!(
            (e.code(), e.claim_name()),
            (ErrorCode::Claim, Some("sub_id")),
            "{extra}"
        );
        assert_eq!(e.oauth_error().map(|o| o.as_str()), Some("invalid_grant"));
        messages.push(e.message().to_owned());
    }
    messages.dedup();
    assert_eq!(messages.len(), 5, "{messages:?}");
    // A trusted-looking sub_id never helps a grant from another key (R55: signature first).
    let (other, _) = es256();
    assert_eq!(
        code(v.check(&token(&other, json!({"sub_id": nameid(SAML)})), &ctx())).map(|c| c.0),
        Some(ErrorCode::Signature)
    );
    // …nor one for another server (audience before sub_id).
    let mut trace = Vec::new();
    let e = v
        .check_traced(
            &token(&key, json!({"aud": "https://other-as"})),
            &ctx(),
            &mut trace,
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Audience);
    assert!(!trace.contains(&"subject"));
    let mut trace = Vec::new();
    v.check_traced(
        &token(&key, json!({"sub_id": nameid(SAML)})),
        &ctx(),
        &mut trace,
    )
    .unwrap();
    let pos = |n: &str| trace.iter().position(|t| *t == n).unwrap();
    assert!(pos("subject") > pos("client") && pos("subject") > pos("time"));
    assert!(super::CHECKS.contains(&"subject"));
}

// -04 §3.1: aud_tenant (ERR_TENANT) and aud_sub (ERR_AUDIENCE) when configured.
#[test]
fn aud_tenant_and_aud_sub_when_configured() {
    let (key, jwks) = es256();
    let plain = verifier(jwks.clone(), json!({}), json!({})).unwrap();
    assert!(
        plain
            .check(
                &token(&key, json!({"aud_tenant": "x", "aud_sub": "y"})),
                &ctx()
            )
            .is_ok()
    );
    let v = verifier(
        jwks,
        json!({}),
        json!({"audTenant": "t-as", "audSub": "app-7"}),
    )
    .unwrap();
    assert!(
        v.check(
            &token(&key, json!({"aud_tenant": "t-as", "aud_sub": "app-7"})),
            &ctx()
        )
        .is_ok()
    );
    for (extra, want) in [
        (
            json!({"aud_sub": "app-7"}),
            (ErrorCode::Tenant, "aud_tenant"),
        ),
        (
            json!({"aud_tenant": "t-other", "aud_sub": "app-7"}),
            (ErrorCode::Tenant, "aud_tenant"),
        ),
        (
            json!({"aud_tenant": "t-as"}),
            (ErrorCode::Audience, "aud_sub"),
        ),
        (
            json!({"aud_tenant": "t-as", "aud_sub": "app-8"}),
            (ErrorCode::Audience, "aud_sub"),
        ),
        (
            json!({"aud_tenant": 5, "aud_sub": "app-7"}),
            (ErrorCode::Claim, "aud_tenant"),
        ),
    ] {
        assert_eq!(
            code(v.check(&token(&key, extra.clone()), &ctx())),
            Some((want.0, want.1.into())),
            "{extra}"
        );
    }
}

// R18/R18a: a grant from our own issuer only across a tenant boundary.
#[test]
fn r18a_own_issuer_across_a_tenant_boundary() {
    let (key, jwks) = es256();
    let own = |extra: Value| {
        let mut c = claims(extra);
        c.insert("iss".into(), json!(AS));
        key.sign_jwt("oauth-id-jag+jwt", &c, None).unwrap()
    };
    // Not configured: refused as before, before any key is looked at.
    let v = verifier(jwks.clone(), json!({}), json!({})).unwrap();
    assert_eq!(
        code(v.check(&own(json!({})), &ctx())),
        Some((ErrorCode::Issuer, "iss".into()))
    );
    // Configured across a tenant boundary.
    let o = json!({"audience": AS, "tenant": "provider", "resources": [MCP],
        "issuers": [{"issuer": AS, "tenant": "customer-a", "jwks": jwks}]});
    let v = Verifier::new(VerifierOptions::from_value(o).unwrap()).unwrap();
    assert!(
        v.check(&own(json!({"tenant": "customer-a"})), &ctx())
            .is_ok()
    );
    // The same tenant (or none) is the same trust domain: refused (R40 pins the tenant).
    assert_eq!(
        code(v.check(&own(json!({"tenant": "provider"})), &ctx())),
        Some((ErrorCode::Tenant, "tenant".into()))
    );
    assert_eq!(
        code(v.check(&own(json!({})), &ctx())),
        Some((ErrorCode::Tenant, "tenant".into()))
    );
}

// Issue 11 point 4: one verify with a future `now` must not empty the built-in store.
#[test]
fn a_future_now_does_not_let_a_redeemed_grant_through() {
    let mut idp = TestIssuer::new(IDP, None, None, None).unwrap();
    let wall = crate::grant::replay::purge_time(f64::MAX).floor();
    let o = json!({"audience": AS, "issuers": [{"issuer": IDP, "jwks": idp.jwks()}], "resources": [MCP]});
    let v = Verifier::new(VerifierOptions::from_value(o).unwrap()).unwrap();
    let mint = |idp: &mut TestIssuer, now: f64| {
        idp.mint(&MintParams {
            audience: AS.into(),
            client_id: "c1".into(),
            resource: Some(json!(MCP)),
            now_sec: now,
            ..Default::default()
        })
        .unwrap()
    };
    let at = |now: f64| VerifyContext::new("c1", now);
    let first = mint(&mut idp, wall);
    assert!(v.verify(&first, &at(wall)).is_ok());
    let future = wall + 86_400.0 * 365.0;
    let later = mint(&mut idp, future);
    assert!(v.verify(&later, &at(future)).is_ok());
    assert_eq!(
        v.verify(&first, &at(wall + 1.0)).unwrap_err().code(),
        ErrorCode::Replay
    );
}

// Verifier::consume: check, a host check, then consume (the grant is burnt once).
#[test]
fn check_then_consume() {
    let (key, jwks) = es256();
    let v = verifier(jwks, json!({}), json!({})).unwrap();
    let t = token(&key, json!({}));
    let g = v.check(&t, &ctx()).unwrap();
    assert!(v.consume(&g, NOW).is_ok());
    assert_eq!(v.consume(&g, NOW).unwrap_err().code(), ErrorCode::Replay);
    let reusable = verifier(es256().1, json!({}), json!({"replay": "reusable"})).unwrap();
    assert!(reusable.consume(&g, NOW).is_ok());
    assert!(reusable.consume(&g, NOW).is_ok());
}
