//! wasm-bindgen bindings only: convert, call the core, convert back.
//! The contract with the JS package is docs/internals.md.

use crate::error::Error;
use crate::policy::VerifierOptions;
use crate::replay::{MemoryReplayStore, ReplayStore};
use crate::verify::{Verifier, VerifyContext};
use serde::{Deserialize, Serialize};
mod access_token;
#[cfg(feature = "signing")]
mod server;
#[cfg(feature = "signing")]
mod testing;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Errors cross the boundary as plain objects `{ code, oauthError, message, claim? }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmError<'a> {
    code: &'static str,
    oauth_error: Option<&'static str>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a str>,
}

fn to_js_error(e: &Error) -> JsValue {
    let w = WasmError {
        code: e.code().code(),
        oauth_error: e.oauth_error().map(|o| o.as_str()),
        message: e.message(),
        claim: e.claim_name(),
    };
    serializer_value(&w).unwrap_or_else(|| JsValue::from_str(e.code().code()))
}

fn serializer_value<T: Serialize>(v: &T) -> Option<JsValue> {
    // Maps become plain objects, not JS Maps.
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
}

/// Attach the checks run (for the audit event) to a grant or an error object.
fn with_checks(target: JsValue, checks: &[&'static str]) -> JsValue {
    let list: js_sys::Array = checks.iter().map(|c| JsValue::from_str(c)).collect();
    // Setting a property on a plain object cannot fail; if it did, the list is just absent.
    let _ = js_sys::Reflect::set(&target, &JsValue::from_str("checks"), &list);
    target
}

/// Options objects go through serde_json so that `deny_unknown_fields` holds
/// (serde-wasm-bindgen reads only the declared fields of a struct).
fn options_from<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let json: serde_json::Value = serde_wasm_bindgen::from_value(value)
        .map_err(|e| config_error(format!("invalid {what}: {e}")))?;
    serde_json::from_value(json).map_err(|e| config_error(format!("invalid {what}: {e}")))
}

/// An optional `alg` option: absent, or an algorithm idjag accepts (never none/HS*).
fn optional_alg(name: Option<&str>) -> Result<Option<crate::Alg>, JsValue> {
    name.map(|n| {
        crate::Alg::parse(n)
            .ok_or_else(|| config_error(format!("unsupported alg {}", crate::error::quote(n))))
    })
    .transpose()
}

fn config_error(msg: String) -> JsValue {
    to_js_error(&Error::config(msg))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WasmContext {
    client_id: String,
    now_sec: f64,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    resource: Option<String>,
}

#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Verifier,
}

#[wasm_bindgen]
impl WasmVerifier {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmVerifier, JsValue> {
        let value: serde_json::Value = serde_wasm_bindgen::from_value(options)
            .map_err(|e| config_error(format!("invalid options: {e}")))?;
        let options = VerifierOptions::from_value(value).map_err(|e| to_js_error(&e))?;
        let inner = Verifier::new(options).map_err(|e| to_js_error(&e))?;
        Ok(WasmVerifier { inner })
    }

    /// Every check but replay; the JS layer consumes `replayKey` in its store.
    /// The token arrives as a JsValue: it comes straight from a request body, so a
    /// non-string must be refused here, and an oversized one before it is copied in.
    pub fn verify(&self, token: JsValue, ctx: JsValue) -> Result<JsValue, JsValue> {
        let token = self.token_string(&token)?;
        let ctx: WasmContext = serde_wasm_bindgen::from_value(ctx).map_err(|e| {
            to_js_error(&Error::new(
                crate::ErrorCode::Config,
                format!("invalid verify context: {e}"),
            ))
        })?;
        let mut checks = Vec::new();
        let grant = self
            .inner
            .check_traced(
                &token,
                &VerifyContext {
                    client_id: &ctx.client_id,
                    now: ctx.now_sec,
                    scope: ctx.scope.as_deref(),
                    resource: ctx.resource.as_deref(),
                },
                &mut checks,
            )
            .map_err(|e| with_checks(to_js_error(&e), &checks))?;
        let value = serializer_value(&grant)
            .ok_or_else(|| config_error("could not convert the grant".to_owned()))?;
        Ok(with_checks(value, &checks))
    }

    fn token_string(&self, token: &JsValue) -> Result<String, JsValue> {
        let max = self.inner.config().max_token_bytes;
        let Some(js) = token.dyn_ref::<js_sys::JsString>() else {
            return Err(to_js_error(&Error::new(
                crate::ErrorCode::Malformed,
                "token must be a string",
            )));
        };
        // UTF-8 length ≥ UTF-16 length, so this refuses before copying into wasm memory.
        if js.length() as usize > max {
            return Err(to_js_error(&Error::new(
                crate::ErrorCode::Malformed,
                format!("token is larger than {max} bytes"),
            )));
        }
        js.as_string().ok_or_else(|| {
            to_js_error(&Error::new(
                crate::ErrorCode::Malformed,
                "token is not valid unicode",
            ))
        })
    }

    #[wasm_bindgen(js_name = setIssuerJwks)]
    pub fn set_issuer_jwks(&mut self, issuer: &str, jwks: JsValue) -> Result<(), JsValue> {
        let value: serde_json::Value = serde_wasm_bindgen::from_value(jwks)
            .map_err(|e| config_error(format!("invalid jwks: {e}")))?;
        self.inner
            .set_issuer_jwks(issuer, &value)
            .map_err(|e| to_js_error(&e))
    }

    #[wasm_bindgen(js_name = replayMode)]
    pub fn replay_mode(&self) -> String {
        self.inner.replay_mode().as_str().to_owned()
    }
}

#[wasm_bindgen]
pub struct WasmReplayCache {
    inner: MemoryReplayStore,
}

#[wasm_bindgen]
impl WasmReplayCache {
    #[wasm_bindgen(constructor)]
    pub fn new(max_entries: u32) -> WasmReplayCache {
        WasmReplayCache {
            inner: MemoryReplayStore::new(max_entries as usize),
        }
    }

    /// 'fresh' | 'replayed' | 'full'
    pub fn consume(&mut self, key: &str, until_sec: f64, now_sec: f64) -> String {
        self.inner
            .consume(key, until_sec, now_sec)
            .as_str()
            .to_owned()
    }

    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WasmExpect {
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    now_sec: Option<f64>,
}

/// Decode a grant WITHOUT verifying it, with lint findings (see docs/internals.md).
#[wasm_bindgen]
pub fn inspect(token: JsValue, expect: JsValue) -> Result<JsValue, JsValue> {
    let token = token.as_string().ok_or_else(|| {
        to_js_error(&Error::new(
            crate::ErrorCode::Malformed,
            "token must be a string",
        ))
    })?;
    let expect: WasmExpect = if expect.is_undefined() || expect.is_null() {
        WasmExpect::default()
    } else {
        serde_wasm_bindgen::from_value(expect)
            .map_err(|e| config_error(format!("invalid expect: {e}")))?
    };
    let result = crate::inspect::inspect(
        &token,
        &crate::inspect::Expect {
            audience: expect.audience.as_deref(),
            resource: expect.resource.as_deref(),
            client_id: expect.client_id.as_deref(),
            now: expect.now_sec,
        },
    );
    serializer_value(&result)
        .ok_or_else(|| config_error("could not convert the inspection".to_owned()))
}
