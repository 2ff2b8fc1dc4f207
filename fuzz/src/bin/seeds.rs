//! Writes the generated part of the seed corpus (tokens, requests, options) to
//! `fuzz/corpus/<target>/` (argument: the corpus directory). Not a fuzz target; run by hand
//! after changing a fixture: `cargo afl build --release && target/release/seeds corpus`.
//! The hand-written seeds (realistic JWK Sets, odd JSON) sit next to these files.
#![allow(clippy::expect_used)]

use idjag_fuzz::*;
use serde_json::json;
use std::path::Path;

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).expect("mkdir");
    std::fs::write(d.join(name), bytes).expect("write seed");
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "corpus".into());
    let dir = Path::new(&dir);
    let g = grants();
    write(dir, "token", "valid", g.valid.as_bytes());
    for v in [
        "bad-signature",
        "wrong-aud",
        "two-element-aud",
        "expired",
        "wrong-typ",
        "alg-none",
        "hs256-public-key",
        "crit",
        "cnf",
        "unknown-kid",
        "client-mismatch",
    ] {
        write(
            dir,
            "token",
            v,
            mint_variant(v).expect("variant").as_bytes(),
        );
    }
    let mut parts = g.valid.split('.');
    let (h, p) = (parts.next().expect("h"), parts.next().expect("p"));
    let decode = |s: &str| idjag::internals::decode_b64url(s).expect("b64");
    write(dir, "strict_json", "grant-header", &decode(h));
    write(dir, "strict_json", "grant-claims", &decode(p));

    write(
        dir,
        "jwks",
        "fixture-idp",
        serde_json::to_string(&idp_jwks()).expect("json").as_bytes(),
    );

    let pretty = |v: &serde_json::Value| serde_json::to_string(v).expect("json");
    let opts = verifier_options();
    write(dir, "options", "verifier", pretty(&opts).as_bytes());
    let mut with_policy = opts.clone();
    with_policy["policy"] = policy_doc();
    with_policy["scopeRequest"] = json!("intersect");
    write(
        dir,
        "options",
        "verifier-policy",
        pretty(&with_policy).as_bytes(),
    );
    write(dir, "options", "policy", pretty(&policy_doc()).as_bytes());
    let remote = json!({
        "audience": AS,
        "issuers": [
            { "issuer": IDP, "jwksUri": "https://idp.example.com/oauth2/v1/keys" },
            { "issuer": "https://accounts.google.com", "discover": true, "algorithms": ["RS256"] }
        ],
        "algorithms": ["RS256", "ES256", "EdDSA"],
        "requireResource": false,
        "replay": "reusable",
        "maxTokenBytes": 8192,
        "allowAuthorizationDetails": false
    });
    write(dir, "options", "remote-issuers", pretty(&remote).as_bytes());

    let form = "application/x-www-form-urlencoded";
    let pkjwt = join_request(
        "POST",
        form,
        "",
        "",
        &form_body(&g.valid, &client_assertion()),
    );
    write(dir, "token_request", "private-key-jwt", pkjwt.as_bytes());
    let c = clients();
    for ((req, _), name) in c.valid_requests.iter().zip(["basic", "post"]) {
        write(dir, "token_request", name, req.as_bytes());
    }
    let public = join_request(
        "POST",
        form,
        "",
        "",
        &format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={}&client_id=client-public&resource=https%3A%2F%2Fmcp.example.com%2Fmcp&resource=https%3A%2F%2Fother.example",
            g.valid
        ),
    );
    write(
        dir,
        "token_request",
        "public-two-resources",
        public.as_bytes(),
    );
    let get = join_request(
        "GET",
        "",
        &format!("grant_type=x&assertion={}", g.valid),
        "Bearer abc",
        "",
    );
    write(dir, "token_request", "get-query", get.as_bytes());

    let a = access_tokens();
    write(dir, "access_token", "valid", a.valid.as_bytes());
    write(dir, "access_token", "id-jag-as-bearer", g.valid.as_bytes());
}
