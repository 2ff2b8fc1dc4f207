//! Issue 12: the native Rust API. `Verifier::builder` and the JSON document of the JS
//! contract give the same verdicts; every typed option has an effect a test can see; builder
//! mistakes are ERR_CONFIG with the JSON path's message; keys rotate under an `Arc` through
//! `&self` while other threads verify.
#![cfg(feature = "signing")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idjag::testing::{MintParams, TestIssuer, VARIANTS};
use idjag::{
    Alg, Error, ErrorCode, GrantPolicy, KeySet, ReplayMode, ScopeRequestMode, SubIdFormat,
    TrustedIssuer, VerifiedGrant, Verifier, VerifierBuilder, VerifierOptions, VerifyContext,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const AS: &str = "https://as.example.com";
const IDP: &str = "https://idp.example.com";
const MCP: &str = "https://mcp.example.com/mcp";
const CLIENT: &str = "mcp-client";
const NOW: f64 = 1_767_225_600.0;

fn idp(kid: &str) -> TestIssuer {
    TestIssuer::new(IDP, None, Some(kid.into()), None).unwrap()
}

fn keys(idp: &TestIssuer) -> KeySet {
    KeySet::parse(&idp.jwks(), "jwks").unwrap()
}

fn params() -> MintParams {
    MintParams {
        audience: AS.into(),
        client_id: CLIENT.into(),
        subject: Some("alice".into()),
        resource: Some(json!(MCP)),
        scope: Some("files.read files.write".into()),
        now_sec: NOW,
        ..MintParams::default()
    }
}

fn mint(idp: &mut TestIssuer, f: impl FnOnce(&mut MintParams)) -> String {
    let mut p = params();
    f(&mut p);
    idp.mint(&p).unwrap()
}

fn ctx() -> VerifyContext<'static> {
    VerifyContext::new(CLIENT, NOW)
}

fn code<T>(r: Result<T, Error>) -> Option<ErrorCode> {
    r.err().map(|e| e.code())
}

fn from_json(v: Value) -> Result<Verifier, Error> {
    VerifierOptions::from_value(v).and_then(Verifier::new)
}

/// A change to the default mint parameters.
type Tweak = fn(&mut MintParams);

/// A builder with one issuer (inline keys) and the registered resource; tests add the rest.
fn builder(idp: &TestIssuer) -> VerifierBuilder {
    Verifier::builder(AS)
        .issuer(TrustedIssuer::new(IDP).keys(keys(idp)))
        .resources([MCP])
}

// ---------------------------------------------------------------------------------------
// The builder and the JSON document: same verdicts.

#[test]
fn builder_and_json_document_give_the_same_verdicts() {
    let mut idp = idp("k1");
    let policy = json!({ "rules": [
        { "id": "read", "effect": "allow", "resources": [MCP], "scopes": ["files.read", "files.write"] },
        { "id": "no-bots", "effect": "deny", "clients": ["bot"] }
    ]});
    let doc = json!({
        "audience": AS,
        "issuers": [{ "issuer": IDP, "jwks": idp.jwks(), "algorithms": ["ES256"] }],
        "resources": [MCP],
        "algorithms": ["ES256", "RS256"],
        "clockToleranceSec": 30,
        "maxLifetimeSec": 600,
        "maxTokenBytes": 8192,
        "replay": "single-use",
        "scopeRequest": "intersect",
        "policy": policy,
    });
    let build = || {
        Verifier::builder(AS)
            .issuer(
                TrustedIssuer::new(IDP)
                    .keys(keys(&idp))
                    .algorithms([Alg::ES256]),
            )
            .resources([MCP])
            .algorithms([Alg::ES256, Alg::RS256])
            .clock_tolerance(Duration::from_secs(30))
            .max_lifetime(Duration::from_secs(600))
            .max_token_bytes(8192)
            .replay(ReplayMode::SingleUse)
            .scope_request(ScopeRequestMode::Intersect)
            .policy(GrantPolicy::from_value(&policy).unwrap())
            .build()
            .unwrap()
    };
    let (by_json, by_builder) = (from_json(doc.clone()).unwrap(), build());

    // Every broken variant of the test IdP, and grants on either side of each bound.
    let mut grants: Vec<(String, String)> = VARIANTS
        .iter()
        .map(|v| {
            let g = mint(&mut idp, |p| p.variant = Some(v.name.into()));
            (v.name.to_owned(), g)
        })
        .collect();
    let edges: [(&str, Tweak); 7] = [
        ("expired 20 s ago (inside the tolerance)", |p| {
            p.now_sec = NOW - 80.0
        }),
        ("expired 40 s ago (outside)", |p| p.now_sec = NOW - 100.0),
        ("a 600 s lifetime", |p| p.lifetime_sec = Some(600.0)),
        ("a 601 s lifetime", |p| p.lifetime_sec = Some(601.0)),
        ("another resource", |p| {
            p.resource = Some(json!("https://other.example.com/mcp"))
        }),
        ("another client", |p| p.client_id = "bot".into()),
        ("oversized for 8192", |p| {
            let mut claims = serde_json::Map::new();
            claims.insert("pad".into(), json!("x".repeat(9000)));
            p.claims = Some(claims);
        }),
    ];
    for (name, f) in edges {
        grants.push((name.to_owned(), mint(&mut idp, f)));
    }
    let requests = [
        ctx(),
        ctx().with_scope("files.read other.scope"),
        ctx().with_resource(MCP),
    ];
    let verdict = |r: Result<VerifiedGrant, Error>| r.map_err(|e| (e.code(), e.to_string()));
    let mut refused = 0;
    for (name, grant) in &grants {
        for request in &requests {
            let a = verdict(by_json.verify(grant, request));
            let b = verdict(by_builder.verify(grant, request));
            assert_eq!(a, b, "{name} with {request:?}");
            refused += usize::from(a.is_err());
        }
    }
    // The comparison covers both outcomes (the "replayed" variant is refused as a replay).
    assert!(refused > 0 && refused < grants.len() * requests.len());
    assert!(
        by_json.verify(&grants[0].1, &ctx()).is_err(),
        "consumed above"
    );
}

// ---------------------------------------------------------------------------------------
// Each typed option has an effect.

#[test]
fn replay_mode_single_use_refuses_the_second_presentation_reusable_does_not() {
    let mut idp = idp("k1");
    let grant = mint(&mut idp, |_| {});
    let single = builder(&idp).replay(ReplayMode::SingleUse).build().unwrap();
    assert!(single.verify(&grant, &ctx()).is_ok());
    assert_eq!(code(single.verify(&grant, &ctx())), Some(ErrorCode::Replay));
    // The default is single use (R29).
    let default = builder(&idp).build().unwrap();
    assert_eq!(default.replay_mode(), ReplayMode::SingleUse);
    assert!(default.verify(&grant, &ctx()).is_ok());
    assert_eq!(
        code(default.verify(&grant, &ctx())),
        Some(ErrorCode::Replay)
    );
    let reusable = builder(&idp).replay(ReplayMode::Reusable).build().unwrap();
    assert!(reusable.verify(&grant, &ctx()).is_ok());
    assert!(reusable.verify(&grant, &ctx()).is_ok());
}

#[test]
fn scope_request_mode_strict_refuses_intersect_drops() {
    let mut idp = idp("k1");
    let grant = mint(&mut idp, |_| {});
    let asking = ctx().with_scope("files.read admin");
    let strict = builder(&idp)
        .scope_request(ScopeRequestMode::Strict)
        .build()
        .unwrap();
    assert_eq!(code(strict.verify(&grant, &asking)), Some(ErrorCode::Scope));
    let intersect = builder(&idp)
        .scope_request(ScopeRequestMode::Intersect)
        .build()
        .unwrap();
    let granted = intersect.verify(&grant, &asking).unwrap();
    assert_eq!(granted.scopes, vec!["files.read"]);
}

#[test]
fn required_sub_id_format_refuses_a_grant_without_one() {
    let mut idp = idp("k1");
    let plain = mint(&mut idp, |_| {});
    let mut claims = serde_json::Map::new();
    claims.insert(
        "sub_id".into(),
        json!({"format": "saml-nameid", "issuer": "https://saml.example.com", "nameid": "alice"}),
    );
    let with_sub_id = mint(&mut idp, |p| p.claims = Some(claims));
    let issuer = || {
        TrustedIssuer::new(IDP)
            .keys(keys(&idp))
            .sub_id_issuers(["https://saml.example.com"])
    };
    let requiring = Verifier::builder(AS)
        .issuer(issuer().require_sub_id(SubIdFormat::SamlNameId))
        .resources([MCP])
        .replay(ReplayMode::Reusable)
        .build()
        .unwrap();
    assert!(requiring.verify(&plain, &ctx()).is_err(), "R54");
    let verified = requiring.verify(&with_sub_id, &ctx()).unwrap();
    assert!(verified.sub_id_trusted, "R55");
    let not_requiring = Verifier::builder(AS)
        .issuer(issuer())
        .resources([MCP])
        .build()
        .unwrap();
    assert!(not_requiring.verify(&plain, &ctx()).is_ok());
}

#[test]
fn algorithms_durations_and_sizes_take_effect() {
    let mut idp = idp("k1"); // ES256
    let grant = mint(&mut idp, |_| {});
    let rs_only = builder(&idp).algorithms([Alg::RS256]).build();
    // The issuer's key is ES256 and the verifier accepts RS256 only.
    assert_eq!(
        code(rs_only.unwrap().verify(&grant, &ctx())),
        Some(ErrorCode::Alg)
    );

    // exp is NOW + 60 (the test IdP's default lifetime); 20 s past it.
    let late = VerifyContext::new(CLIENT, NOW + 80.0);
    let tolerant = builder(&idp)
        .clock_tolerance(Duration::from_secs(30))
        .build()
        .unwrap();
    assert!(tolerant.verify(&grant, &late).is_ok());
    let strict = builder(&idp)
        .clock_tolerance(Duration::ZERO)
        .build()
        .unwrap();
    assert_eq!(code(strict.verify(&grant, &late)), Some(ErrorCode::Expired));

    let long = mint(&mut idp, |p| p.lifetime_sec = Some(900.0));
    let default = builder(&idp).build().unwrap();
    assert_eq!(
        code(default.verify(&long, &ctx())),
        Some(ErrorCode::Lifetime)
    );
    let longer = builder(&idp)
        .max_lifetime(Duration::from_secs(900))
        .build()
        .unwrap();
    assert!(longer.verify(&long, &ctx()).is_ok());

    let small = builder(&idp).max_token_bytes(256).build().unwrap();
    assert!(grant.len() > 256);
    assert_eq!(
        code(small.verify(&grant, &ctx())),
        Some(ErrorCode::Malformed)
    );
}

#[test]
fn policy_tenants_resources_and_authorization_details_take_effect() {
    let mut idp = idp("k1");
    let grant = mint(&mut idp, |_| {});
    let deny = GrantPolicy::from_value(&json!({"rules": [
        {"id": "nobody", "effect": "deny", "subjects": ["alice"]},
        {"id": "all", "effect": "allow", "scopes": ["*"]}
    ]}))
    .unwrap();
    let policed = builder(&idp).policy(deny).build().unwrap();
    assert_eq!(
        code(policed.verify(&grant, &ctx())),
        Some(ErrorCode::Policy)
    );

    let pinned = Verifier::builder(AS)
        .issuer(TrustedIssuer::new(IDP).keys(keys(&idp)).tenant("acme"))
        .resources([MCP])
        .build()
        .unwrap();
    assert_eq!(code(pinned.verify(&grant, &ctx())), Some(ErrorCode::Tenant));
    let acme = mint(&mut idp, |p| p.tenant = Some("acme".into()));
    assert!(pinned.verify(&acme, &ctx()).is_ok());

    let aud_tenant = builder(&idp).aud_tenant("t1").build().unwrap();
    assert_eq!(
        code(aud_tenant.verify(&grant, &ctx())),
        Some(ErrorCode::Tenant)
    );
    let aud_sub = builder(&idp).aud_sub("app-1").build().unwrap();
    assert_eq!(
        code(aud_sub.verify(&grant, &ctx())),
        Some(ErrorCode::Audience)
    );

    let elsewhere = Verifier::builder(AS)
        .issuer(TrustedIssuer::new(IDP).keys(keys(&idp)))
        .resources(["https://other.example.com/mcp"])
        .build()
        .unwrap();
    assert_eq!(
        code(elsewhere.verify(&grant, &ctx())),
        Some(ErrorCode::Resource)
    );
    // No registry at all is allowed only with require_resource(false).
    let unregistered = Verifier::builder(AS)
        .issuer(TrustedIssuer::new(IDP).keys(keys(&idp)))
        .require_resource(false)
        .build()
        .unwrap();
    assert!(unregistered.verify(&grant, &ctx()).is_ok());

    let mut claims = serde_json::Map::new();
    claims.insert(
        "authorization_details".into(),
        json!([{"type": "files", "actions": ["read"]}]),
    );
    let detailed = mint(&mut idp, |p| p.claims = Some(claims));
    let refusing = builder(&idp).build().unwrap();
    assert!(refusing.verify(&detailed, &ctx()).is_err(), "R36 default");
    let allowing = builder(&idp)
        .allow_authorization_details(true)
        .build()
        .unwrap();
    assert!(allowing.verify(&detailed, &ctx()).is_ok());
}

// ---------------------------------------------------------------------------------------
// Builder mistakes: ERR_CONFIG, the JSON document's message.

#[test]
fn builder_errors_are_err_config_with_the_json_message() {
    let idp = idp("k1");
    let json_message = |patch: Value| {
        let mut doc = json!({"audience": AS, "issuers": [{"issuer": IDP, "jwks": idp.jwks()}], "resources": [MCP]});
        for (k, v) in patch.as_object().unwrap() {
            if k == "issuer" {
                for (ik, iv) in v.as_object().unwrap() {
                    doc["issuers"][0][ik] = iv.clone();
                }
            } else {
                doc[k] = v.clone();
            }
        }
        let e = from_json(doc).err().expect("the JSON document is refused");
        assert_eq!(e.code(), ErrorCode::Config);
        e.message().to_owned()
    };
    let builder_message = |b: VerifierBuilder| {
        let e = b.build().err().expect("the builder is refused");
        assert_eq!(e.code(), ErrorCode::Config, "{e}");
        e.message().to_owned()
    };
    let uri = "https://idp.example.com/jwks";
    let cases: Vec<(VerifierBuilder, Value, &str)> = vec![
        (
            Verifier::builder(AS).resources([MCP]),
            json!({"issuers": []}),
            "issuers must list at least one trusted issuer",
        ),
        (
            Verifier::builder("").issuer(TrustedIssuer::new(IDP).jwks_uri(uri)),
            json!({"audience": ""}),
            "audience must be",
        ),
        (
            Verifier::builder(AS)
                .issuer(TrustedIssuer::new(IDP).keys(keys(&idp)).jwks_uri(uri))
                .resources([MCP]),
            json!({"issuer": {"jwksUri": uri}}),
            "issuers[0] needs exactly one of jwks, jwksUri or discover: true",
        ),
        (
            builder(&idp).algorithms([]),
            json!({"algorithms": []}),
            "algorithms must not be empty",
        ),
        (
            Verifier::builder(AS)
                .issuer(
                    TrustedIssuer::new(IDP)
                        .keys(keys(&idp))
                        .algorithms([Alg::PS512]),
                )
                .resources([MCP]),
            json!({"issuer": {"algorithms": ["PS512"]}}),
            "issuers[0].algorithms: PS512 is not in the global algorithms",
        ),
        (
            builder(&idp).clock_tolerance(Duration::from_secs(7200)),
            json!({"clockToleranceSec": 7200}),
            "clockToleranceSec must be between 0 and 3600",
        ),
        (
            builder(&idp).max_lifetime(Duration::ZERO),
            json!({"maxLifetimeSec": 0}),
            "maxLifetimeSec must be between 1 and 86400",
        ),
        (
            builder(&idp).max_token_bytes(10),
            json!({"maxTokenBytes": 10}),
            "maxTokenBytes must be between",
        ),
        (
            Verifier::builder(AS).issuer(TrustedIssuer::new(IDP).keys(keys(&idp))),
            json!({"resources": []}),
            "resources must list the registered mcp server resources",
        ),
        (
            builder(&idp).resources(["not a uri"]),
            json!({"resources": [MCP, "not a uri"]}),
            "resources[1] must be an absolute uri",
        ),
        (
            Verifier::builder(AS)
                .issuer(
                    TrustedIssuer::new(IDP)
                        .keys(keys(&idp))
                        .require_sub_id(SubIdFormat::SamlNameId),
                )
                .resources([MCP]),
            json!({"issuer": {"requireSubId": "saml-nameid"}}),
            "issuers[0].requireSubId needs subIdIssuers",
        ),
        (
            builder(&idp).issuer(TrustedIssuer::new(IDP).discover()),
            json!({"issuers": [{"issuer": IDP, "jwks": idp.jwks()}, {"issuer": IDP, "discover": true}]}),
            "issuers[1].issuer is listed twice",
        ),
        (
            builder(&idp).aud_tenant(""),
            json!({"audTenant": ""}),
            "audTenant must not be empty",
        ),
    ];
    for (b, patch, expected) in cases {
        let from_builder = builder_message(b);
        assert!(
            from_builder.starts_with(expected),
            "{from_builder:?} should start with {expected:?}"
        );
        assert_eq!(from_builder, json_message(patch), "{expected}");
    }
    // Only the builder can say "1.5 s": refused, not rounded.
    let e = builder_message(builder(&idp).clock_tolerance(Duration::from_millis(1500)));
    assert!(e.contains("whole number of seconds"), "{e}");
    // A typo'd issuer passed to a key setter is ERR_CONFIG too.
    let v = builder(&idp).build().unwrap();
    assert_eq!(
        code(v.set_issuer_keys("https://elsewhere", keys(&idp), None)),
        Some(ErrorCode::Config)
    );
}

// ---------------------------------------------------------------------------------------
// Remote keys and rotation through `&self`.

#[test]
fn remote_issuer_keys_are_installed_by_the_caller() {
    let mut idp = idp("k1");
    let grant = mint(&mut idp, |_| {});
    let verifier = Verifier::builder(AS)
        .issuer(TrustedIssuer::new(IDP).jwks_uri("https://idp.example.com/jwks"))
        .resources([MCP])
        .build()
        .unwrap();
    let e = verifier.check(&grant, &ctx()).expect_err("no keys yet");
    let needed = e.needed_keys().expect("which keys");
    assert_eq!(
        (needed.id.as_str(), needed.kid.as_deref()),
        (IDP, Some("k1"))
    );
    verifier
        .set_issuer_jwks(IDP, &idp.jwks())
        .expect("installed");
    assert!(verifier.verify(&grant, &ctx()).is_ok());
    // Vouched for until NOW + 60: later, the verifier asks again.
    verifier
        .set_issuer_keys(IDP, keys(&idp), Some(NOW + 60.0))
        .unwrap();
    let later = VerifyContext::new(CLIENT, NOW + 61.0);
    assert!(
        verifier
            .check(&grant, &later)
            .unwrap_err()
            .needed_keys()
            .is_some()
    );
}

/// What a reader saw: the rotation phase it read before verifying, and both verdicts.
struct Seen {
    phase: usize,
    old: Option<ErrorCode>,
    new: Option<ErrorCode>,
}

/// Let the readers verify `n` more rounds (progress, not time).
fn wait_rounds(rounds: &AtomicUsize, n: usize) {
    let start = rounds.load(Ordering::Acquire);
    while rounds.load(Ordering::Acquire) < start + n {
        std::thread::yield_now();
    }
}

#[test]
fn keys_rotate_under_an_arc_while_four_threads_verify() {
    let mut old_idp = idp("old");
    let mut new_idp = idp("new");
    let old_grant = mint(&mut old_idp, |_| {});
    let new_grant = mint(&mut new_idp, |_| {});
    let verifier = Arc::new(
        builder(&old_idp)
            // The same grants are presented again and again.
            .replay(ReplayMode::Reusable)
            .build()
            .unwrap(),
    );
    // 0: the old key only; 1: old and new; 2: the new key only. Bumped after each install,
    // so a reader that read phase p before verifying verifies with phase p's set or a later one.
    let phase = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));

    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (verifier, phase, done, rounds) = (
                Arc::clone(&verifier),
                Arc::clone(&phase),
                Arc::clone(&done),
                Arc::clone(&rounds),
            );
            let (old_grant, new_grant) = (old_grant.clone(), new_grant.clone());
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                while !done.load(Ordering::Acquire) {
                    let p = phase.load(Ordering::Acquire);
                    seen.push(Seen {
                        phase: p,
                        old: code(verifier.verify(&old_grant, &ctx())),
                        new: code(verifier.verify(&new_grant, &ctx())),
                    });
                    rounds.fetch_add(1, Ordering::AcqRel);
                }
                seen
            })
        })
        .collect();

    let both = KeySet::parse(
        &json!({"keys": [old_idp.jwks()["keys"][0], new_idp.jwks()["keys"][0]]}),
        "jwks",
    )
    .unwrap();
    let rotator = {
        let verifier = Arc::clone(&verifier);
        let phase = Arc::clone(&phase);
        let rounds = Arc::clone(&rounds);
        let only_new = keys(&new_idp);
        std::thread::spawn(move || {
            verifier.set_issuer_keys(IDP, both, None).unwrap();
            phase.store(1, Ordering::Release);
            wait_rounds(&rounds, 40);
            verifier.set_issuer_keys(IDP, only_new, None).unwrap();
            phase.store(2, Ordering::Release);
        })
    };
    wait_rounds(&rounds, 40);
    rotator.join().expect("the rotator did not panic");
    wait_rounds(&rounds, 40);
    done.store(true, Ordering::Release);

    let mut per_phase = [0usize; 3];
    for reader in readers {
        for s in reader.join().expect("no reader panicked") {
            per_phase[s.phase] += 1;
            // Only these outcomes: verified, or the key is not in the set.
            for c in [s.old, s.new].into_iter().flatten() {
                assert!(matches!(c, ErrorCode::Key | ErrorCode::Signature), "{c:?}");
            }
            if s.phase >= 1 {
                assert_eq!(s.new, None, "the new key is in every set from phase 1 on");
            }
            if s.phase == 2 {
                assert!(s.old.is_some(), "the old key was removed in phase 2");
            }
        }
    }
    assert!(per_phase[2] > 0, "{per_phase:?}");
    // After the swap, from this thread too.
    assert!(verifier.verify(&new_grant, &ctx()).is_ok());
    assert!(matches!(
        code(verifier.verify(&old_grant, &ctx())),
        Some(ErrorCode::Key | ErrorCode::Signature)
    ));
}

#[test]
fn the_verifier_and_its_builder_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Verifier>();
    send_sync::<VerifierBuilder>();
    send_sync::<TrustedIssuer>();
}

// The resource server's verifier rotates the same way: `set_jwks` through `&self` on an `Arc`.
#[test]
fn access_token_keys_rotate_under_an_arc() {
    use idjag::server::{AccessTokenIssuer, AccessTokenVerifier, SigningKey};
    let mut idp = idp("k1");
    let grant = builder(&idp)
        .build()
        .unwrap()
        .verify(&mint(&mut idp, |_| {}), &ctx())
        .unwrap();
    let as_key = |kid: &str| SigningKey::generate(Alg::ES256, Some(kid.into())).unwrap();
    let old_as = AccessTokenIssuer::new(AS, as_key("at-old"), 300).unwrap();
    let new_as = AccessTokenIssuer::new(AS, as_key("at-new"), 300).unwrap();
    let (old_at, new_at) = (
        old_as.mint(&grant, NOW).unwrap().access_token,
        new_as.mint(&grant, NOW).unwrap().access_token,
    );
    let rs = Arc::new(AccessTokenVerifier::new(AS, MCP, &old_as.jwks(), None, 60).unwrap());
    assert!(rs.verify(&old_at, NOW + 1.0, &[]).is_ok());
    assert_eq!(
        code(rs.verify(&new_at, NOW + 1.0, &[])),
        Some(ErrorCode::Key)
    );
    let rotator = {
        let rs = Arc::clone(&rs);
        let jwks = new_as.jwks();
        std::thread::spawn(move || rs.set_jwks(&jwks))
    };
    rotator.join().expect("no panic").expect("installed");
    assert!(rs.verify(&new_at, NOW + 1.0, &[]).is_ok());
    assert_eq!(
        code(rs.verify(&old_at, NOW + 1.0, &[])),
        Some(ErrorCode::Key)
    );
}
