//! Bindings for the resource server's access-token check (both builds).

use super::{fresh_until, json_out, key_set, options_from, to_js_error};
use crate::error::{Error, ErrorCode};
use crate::server::access_token::AccessTokenVerifier;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    issuer: String,
    audience: String,
    #[serde(default)]
    jwks: Option<serde_json::Value>,
    #[serde(default)]
    algorithms: Option<Vec<String>>,
    #[serde(default)]
    clock_tolerance_sec: Option<u64>,
}

#[wasm_bindgen]
pub struct WasmAccessTokenVerifier {
    inner: AccessTokenVerifier,
}

#[wasm_bindgen]
impl WasmAccessTokenVerifier {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmAccessTokenVerifier, JsValue> {
        let o: Options = options_from(options, "options", "AccessTokenVerifier")?;
        let algorithms = o
            .algorithms
            .as_ref()
            .map(|list| {
                crate::jose::jwt::parse_alg_list(list, None, &|name| {
                    format!("{name} is not an accepted algorithm")
                })
                .map_err(|e| to_js_error(&e))
            })
            .transpose()?;
        let tolerance = o.clock_tolerance_sec.unwrap_or(60);
        let inner = match &o.jwks {
            Some(jwks) => AccessTokenVerifier::new(
                &o.issuer,
                &o.audience,
                jwks,
                algorithms.as_deref(),
                tolerance,
            ),
            None => AccessTokenVerifier::without_keys(
                &o.issuer,
                &o.audience,
                algorithms.as_deref(),
                tolerance,
            ),
        }
        .map_err(|e| to_js_error(&e))?;
        Ok(WasmAccessTokenVerifier { inner })
    }

    /// The AS's JWK Set (JSON text), usable until `freshUntilSec` (absent: until replaced).
    #[wasm_bindgen(js_name = setJwks)]
    pub fn set_jwks(&self, jwks: JsValue, fresh_until_sec: Option<f64>) -> Result<(), JsValue> {
        let keys = key_set(&jwks)?;
        self.inner.set_keys(keys, fresh_until(fresh_until_sec)?);
        Ok(())
    }

    /// V2–V8; `requiredScopes` missing → ERR_SCOPE (403 insufficient_scope).
    pub fn verify(
        &self,
        token: JsValue,
        now_sec: f64,
        required_scopes: Vec<String>,
        keys_now_sec: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let token = token.as_string().ok_or_else(|| {
            to_js_error(&Error::new(ErrorCode::Malformed, "token must be a string"))
        })?;
        let required: Vec<&str> = required_scopes.iter().map(String::as_str).collect();
        let info = self
            .inner
            .verify_at(&token, now_sec, keys_now_sec.unwrap_or(now_sec), &required)
            .map_err(|e| to_js_error(&e))?;
        json_out(&info, "token info")
    }
}

/// The key of the access-token cache (issue 14, pkg/src/token-cache.js): b64url(SHA-256(token)),
/// for runtimes without node:crypto, where WebCrypto's digest is async and ~10× slower. A
/// collision-resistant hash, since a colliding key would accept a forged token; the token
/// itself is never kept.
#[wasm_bindgen(js_name = tokenDigest)]
pub fn token_digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::jose::jws::encode_b64url(&Sha256::digest(token.as_bytes()))
}

/// Whether `s` is one RFC 6749 §3.3 scope token: pkg/src/access-token-verifier.js refuses a
/// `requiredScopes` entry the core says is not one (ERR_CONFIG), so `requireScopes` compares
/// tokens only.
#[wasm_bindgen(js_name = isScopeToken)]
pub fn is_scope_token(s: &str) -> bool {
    crate::grant::claims::is_scope_token(s)
}

/// V8 for a verified token the JS cache already holds (pkg/src/access-token-verifier.js):
/// `granted` and `required` are space-separated scope lists (RFC 6749 §3.3: a scope token has
/// no space; `requiredScopes` checked the required ones). Throws ERR_SCOPE as `verify` does.
#[wasm_bindgen(js_name = requireScopes)]
pub fn require_scopes(granted: &str, required: &str) -> Result<(), JsValue> {
    let granted: Vec<&str> = granted.split(' ').filter(|s| !s.is_empty()).collect();
    let required: Vec<&str> = required.split(' ').filter(|s| !s.is_empty()).collect();
    crate::server::access_token::require_scopes(&granted, &required).map_err(|e| to_js_error(&e))
}
