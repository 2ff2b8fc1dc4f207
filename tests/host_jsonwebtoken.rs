#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! idjag is a good neighbour to a host application that uses `jsonwebtoken` itself (issue 12):
//! building and using an `idjag::Verifier` must not install idjag's crypto provider as
//! jsonwebtoken's process-wide default. idjag's provider has no HMAC (R9: HMAC is
//! unrepresentable in idjag), so if it were installed, the host's own HS256 would fail with
//! InvalidAlgorithm and the host's own `install_default()` would be refused.
//!
//! This file is its own test binary, hence its own process: nothing else installs a provider.

use idjag::{Verifier, VerifierOptions, VerifyContext};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod common;
use common::vectors;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct SessionClaims {
    sub: String,
    exp: u64,
}

#[test]
fn host_hs256_works_after_idjag_verifies_a_grant() {
    // idjag first: a real grant from the committed vectors verifies.
    let v = vectors();
    let config = v["configs"]["default"].clone();
    let step = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["config"] == "default")
        .flat_map(|c| c["steps"].as_array().cloned().unwrap_or_default())
        .find(|s| s["expect"]["ok"] == true)
        .expect("an accepted default-config case");
    let verifier =
        Verifier::new(VerifierOptions::from_value(config).expect("options")).expect("verifier");
    let ctx: &Value = &step["ctx"];
    let claims = verifier
        .check(step["token"].as_str().expect("token"), &common::ctx(ctx))
        .expect("the vector's grant verifies");
    drop(claims);

    // Then the host: its own provider installs (it would be refused if idjag had installed one)…
    jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER
        .install_default()
        .map_err(|_| "a provider was already installed")
        .expect("idjag left jsonwebtoken's process default alone");

    // …and its own HS256 session tokens round-trip.
    let secret = b"host application secret, not idjag's business";
    let mine = SessionClaims {
        sub: "host-user".into(),
        exp: 4_102_444_800,
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &mine,
        &EncodingKey::from_secret(secret),
    )
    .expect("host HS256 encode");
    let back = decode::<SessionClaims>(
        &token,
        &DecodingKey::from_secret(secret),
        &Validation::new(Algorithm::HS256),
    )
    .expect("host HS256 decode");
    assert_eq!(back.claims, mine);

    // idjag still refuses HMAC for grants, whatever the host installed.
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("oauth-id-jag+jwt".into());
    let forged = encode(&header, &mine, &EncodingKey::from_secret(secret)).expect("encode");
    let err = verifier
        .check(
            &forged,
            &VerifyContext {
                client_id: ctx["clientId"].as_str().expect("clientId"),
                now: ctx["now"].as_f64().expect("now"),
                scope: None,
                resource: None,
                keys_now: None,
            },
        )
        .expect_err("HS256 is never accepted");
    assert_eq!(err.code().code(), "ERR_ALG");
}

/// idjag's own provider, used explicitly through jsonwebtoken's provider interface (never as the
/// process default): a grant minted by the test issuer verifies through `verifier_factory`, a
/// tampered signature does not, and HMAC cannot even be asked for (R10).
#[cfg(feature = "signing")]
#[test]
fn idjag_provider_is_usable_explicitly() {
    use jsonwebtoken::jwk::Jwk;

    let mut idp = idjag::testing::TestIssuer::new("https://idp.example", None, None, None)
        .expect("test issuer");
    let token = idp
        .mint(&idjag::testing::MintParams {
            audience: "https://as.example".into(),
            client_id: "app".into(),
            now_sec: 1_800_000_000.0,
            ..Default::default()
        })
        .expect("grant");
    let (signing_input, signature) = token.rsplit_once('.').expect("three parts");
    let signature = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .expect("b64url")
    };
    let jwk: Jwk = serde_json::from_value(idp.jwks()["keys"][0].clone()).expect("jwk");
    let key = DecodingKey::from_jwk(&jwk).expect("decoding key");

    let verifier = (idjag::CRYPTO_PROVIDER.verifier_factory)(&Algorithm::ES256, &key)
        .map_err(|e| e.to_string())
        .expect("an ES256 verifier");
    assert!(
        verifier
            .verify(signing_input.as_bytes(), &signature)
            .is_ok()
    );
    let mut tampered = signature.clone();
    tampered[10] ^= 1;
    assert!(
        verifier
            .verify(signing_input.as_bytes(), &tampered)
            .is_err()
    );

    let hmac = DecodingKey::from_secret(b"a shared secret");
    assert!((idjag::CRYPTO_PROVIDER.verifier_factory)(&Algorithm::HS256, &hmac).is_err());
}
