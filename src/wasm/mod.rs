//! wasm-bindgen bindings only: convert, call the core, convert back.
//! The contract with the JS package is docs/internals.md.

use crate::error::Error;
use crate::grant::options::VerifierOptions;
use crate::grant::replay::{MemoryReplayStore, ReplayStore};
use crate::grant::verify::{Verifier, VerifyContext};
use serde::{Deserialize, Serialize};
mod access_token;
mod client;
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

/// Fault injection for the JS layer's trap recovery test (pkg/src/core.js
/// `armTrapForTests`): a real `unreachable` trap inside a guarded call. Harmless to expose:
/// any code that can call it could already corrupt the instance.
#[wasm_bindgen(js_name = __idjag_abort)]
pub fn abort_for_tests() {
    std::process::abort();
}

/// Errors cross the boundary as plain objects `{ code, oauthError, message, claim?, keysNeeded? }`,
/// built member by member (fixed names; no serializer in the verifier build, which keeps it small).
fn to_js_error(e: &Error) -> JsValue {
    let o = js_sys::Object::new();
    let set = |target: &js_sys::Object, k: &str, v: JsValue| {
        // Setting a data property on a plain object cannot fail.
        let _ = js_sys::Reflect::set(target, &JsValue::from_str(k), &v);
    };
    let text = |s: &str| JsValue::from_str(s);
    set(&o, "code", text(e.code().code()));
    set(
        &o,
        "oauthError",
        e.oauth_error().map_or(JsValue::NULL, |x| text(x.as_str())),
    );
    set(&o, "message", text(e.message()));
    if let Some(c) = e.claim_name() {
        set(&o, "claim", text(c));
    }
    // The key layer's "load these keys, then ask again" (src/jose/jwk.rs `KeySlot`).
    if let Some(n) = e.needed_keys() {
        let k = js_sys::Object::new();
        set(&k, "source", text(n.source.as_str()));
        set(&k, "id", text(&n.id));
        if let Some(kid) = &n.kid {
            set(&k, "kid", text(kid));
        }
        set(&k, "reason", text(n.reason.as_str()));
        set(&o, "keysNeeded", k.into());
    }
    o.into()
}

/// Largest JSON document accepted across the boundary (options with inline keys and a
/// policy, a JWK Set, a cache import). Checked before the text is copied into wasm memory.
const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// A JSON document argument: the JS layer passes JSON *text* (never an object), parsed here
/// with the strict, depth-bounded parser, so no input can recurse the wasm stack into the
/// heap (issue 10: a JWK Set of 6,000 nested arrays trapped the instance).
pub(crate) fn json_arg(value: &JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    let Some(js) = value.dyn_ref::<js_sys::JsString>() else {
        return Err(config_error(format!("{what} must be passed as json text")));
    };
    // UTF-8 length ≥ UTF-16 length: refuse before copying.
    if js.length() as usize > MAX_DOCUMENT_BYTES {
        return Err(config_error(format!(
            "{what} is larger than {MAX_DOCUMENT_BYTES} bytes"
        )));
    }
    let text = js
        .as_string()
        .ok_or_else(|| config_error(format!("{what} is not valid unicode")))?;
    crate::jose::strict_json::parse_document(text.as_bytes(), MAX_DOCUMENT_BYTES)
        .map(serde_json::Value::Object)
        .map_err(|e| config_error(format!("{what} {}", e.describe())))
}

/// A result as JSON text; the JS layer `JSON.parse`s it, so a `"__proto__"` member of a
/// token becomes an own property, never a prototype (issue 11).
pub(crate) fn json_out<T: Serialize>(v: &T, what: &str) -> Result<JsValue, JsValue> {
    serde_json::to_string(v)
        .map(|s| JsValue::from_str(&s))
        .map_err(|_| config_error(format!("could not convert the {what}")))
}

/// A freshness deadline from JS (seconds since the epoch): absent, or a finite number.
pub(crate) fn fresh_until(value: Option<f64>) -> Result<Option<f64>, JsValue> {
    match value {
        Some(v) if !v.is_finite() => Err(config_error("freshUntilSec must be finite".to_owned())),
        other => Ok(other),
    }
}

#[cfg(feature = "signing")]
/// `v` as a plain JS value (maps become plain objects, not JS Maps); ERR_CONFIG naming `what`
/// if it cannot be converted.
fn serializer_value<T: Serialize>(v: &T, what: &str) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| config_error(format!("could not convert {what}")))
}

/// Attach the checks run (for the audit event) to a grant or an error object.
fn with_checks(target: JsValue, checks: &[&'static str]) -> JsValue {
    let list: js_sys::Array = checks.iter().map(|c| JsValue::from_str(c)).collect();
    // Setting a property on a plain object cannot fail; if it did, the list is just absent.
    let _ = js_sys::Reflect::set(&target, &JsValue::from_str("checks"), &list);
    target
}

/// Options arrive as JSON text (`json_arg`) and go through serde_json so that
/// `deny_unknown_fields` holds.
/// Messages name the path under `root` (issue 13): `options.clients[0].clientId is required`.
fn options_from<T: serde::de::DeserializeOwned>(
    value: JsValue,
    root: &str,
    owner: &str,
) -> Result<T, JsValue> {
    let json = json_arg(&value, root)?;
    crate::options_de::from_value(&json, root, owner).map_err(|e| to_js_error(&e))
}

/// An optional `alg` option: absent, or an algorithm idjag accepts (never none/HS*).
#[cfg(feature = "signing")]
fn optional_alg(name: Option<&str>) -> Result<Option<crate::Alg>, JsValue> {
    name.map(|n| {
        crate::jose::jwt::parse_alg(n, &|name| format!("unsupported alg {name}"))
            .map_err(|e| to_js_error(&e))
    })
    .transpose()
}

fn config_error(msg: String) -> JsValue {
    to_js_error(&Error::config(msg))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WasmContext {
    client_id: String,
    now_sec: f64,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    resource: Option<String>,
    /// The key loader's clock (remote keys' freshness is judged on it).
    #[serde(default)]
    keys_now_sec: Option<f64>,
}

#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Verifier,
}

#[wasm_bindgen]
impl WasmVerifier {
    #[wasm_bindgen(constructor)]
    /// `root`: how messages name the options (default `options`; the token endpoint's
    /// grants are `options.grants`).
    pub fn new(options: JsValue, root: Option<String>) -> Result<WasmVerifier, JsValue> {
        let root = root.unwrap_or_else(|| "options".to_owned());
        let value = json_arg(&options, &root)?;
        let options = VerifierOptions::from_value_at(&value, &root).map_err(|e| to_js_error(&e))?;
        let inner = Verifier::new(options).map_err(|e| to_js_error(&e))?;
        Ok(WasmVerifier { inner })
    }

    /// Every check but replay; the JS layer consumes `replayKey` in its store.
    /// The token arrives as a JsValue: it comes straight from a request body, so a
    /// non-string must be refused here, and an oversized one before it is copied in.
    pub fn verify(&self, token: JsValue, ctx: JsValue) -> Result<JsValue, JsValue> {
        let token = self.token_string(&token)?;
        // The per-call context arrives as JSON text too, so a missing or mistyped member is
        // named (`ctx.clientId is required`), never a serde message.
        let ctx: WasmContext = options_from(ctx, "ctx", "verify()")?;
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
                    keys_now: ctx.keys_now_sec,
                },
                &mut checks,
            )
            .map_err(|e| with_checks(to_js_error(&e), &checks))?;
        json_out(
            &Traced {
                grant: &grant,
                checks: &checks,
            },
            "grant",
        )
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
        crate::jose::jws::check_size(js.length() as usize, max).map_err(|e| to_js_error(&e))?;
        js.as_string().ok_or_else(|| {
            to_js_error(&Error::new(
                crate::ErrorCode::Malformed,
                "token is not valid unicode",
            ))
        })
    }

    /// Install an issuer's JWK Set (JSON text, parsed here key by key), usable until
    /// `freshUntilSec` (absent: until replaced); then `verify` asks for keys again.
    #[wasm_bindgen(js_name = setIssuerJwks)]
    pub fn set_issuer_jwks(
        &self,
        issuer: &str,
        jwks: JsValue,
        fresh_until_sec: Option<f64>,
    ) -> Result<(), JsValue> {
        let keys = key_set(&jwks)?;
        self.inner
            .set_issuer_keys(issuer, keys, fresh_until(fresh_until_sec)?)
            .map_err(|e| to_js_error(&e))
    }

    #[wasm_bindgen(js_name = replayMode)]
    pub fn replay_mode(&self) -> String {
        self.inner.replay_mode().as_str().to_owned()
    }
}

/// A grant with the checks run, as one JSON document.
#[derive(Serialize)]
struct Traced<'a, T: Serialize> {
    #[serde(flatten)]
    grant: &'a T,
    checks: &'a [&'static str],
}

/// A JWK Set argument (JSON text) through the key layer: ERR_CONFIG when it is not a set
/// or leaves no usable key.
pub(crate) fn key_set(jwks: &JsValue) -> Result<crate::jose::jwk::KeySet, JsValue> {
    let value = json_arg(jwks, "jwks")?;
    crate::jose::jwk::KeySet::parse(&value, "jwks").map_err(|e| to_js_error(&e))
}

/// The key layer's verdict on a JWK Set (JSON text), without installing it:
/// `{ usable: [{ index, kid?, kty, algs }], setAside: [{ index, kid?, reason }] }` as JSON
/// text. Throws ERR_CONFIG when no usable key remains (the message lists why).
/// T4 for a URL the JS package is about to fetch or publish (pkg/src/urls.js): its WHATWG parts
/// in (`scheme`: the `protocol` without its colon); why it may not be used out, or undefined.
#[wasm_bindgen(js_name = urlProblem)]
pub fn url_problem(
    scheme: &str,
    hostname: &str,
    credentials: bool,
    fragment: bool,
    from_https: bool,
) -> JsValue {
    crate::fetch_policy::url_problem(scheme, hostname, credentials, fragment, from_https)
        .map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// R29 on the JS replay store's answer for a verified grant (pkg/src/verifier.js): `fresh` true
/// (first use), false (already used), or undefined (the store failed; `message` says how).
/// Throws ERR_REPLAY unless fresh.
#[wasm_bindgen(js_name = grantConsumed)]
pub fn grant_consumed(fresh: Option<bool>, message: &str) -> Result<(), JsValue> {
    use crate::grant::replay::Consumed;
    let answer = match fresh {
        Some(true) => Consumed::Fresh,
        Some(false) => Consumed::AlreadyUsed,
        None => Consumed::Failed(message.to_owned()),
    };
    answer.grant_verdict().map_err(|e| to_js_error(&e))
}

#[wasm_bindgen(js_name = inspectJwks)]
pub fn inspect_jwks(jwks: JsValue) -> Result<JsValue, JsValue> {
    json_out(&key_set(&jwks)?.report(), "report")
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
        options_from(expect, "expect", "inspect()")?
    };
    let result = crate::grant::inspect::inspect(
        &token,
        &crate::grant::inspect::Expect {
            audience: expect.audience.as_deref(),
            resource: expect.resource.as_deref(),
            client_id: expect.client_id.as_deref(),
            now: expect.now_sec,
        },
    );
    json_out(&result, "inspection")
}
