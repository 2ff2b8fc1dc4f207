//! The MCP client helpers' decisions (pkg/src/client.js; src/client/): in both builds.

use super::{config_error, json_arg, to_js_error};
use crate::client::token_response::TokenKind;
use wasm_bindgen::prelude::*;

fn set(target: &js_sys::Object, name: &str, value: JsValue) {
    // Setting a data property on a plain object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(name), &value);
}

fn set_some(target: &js_sys::Object, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        set(target, name, JsValue::from_str(v));
    }
}

/// src/client/token_response.rs `check_token_response` for `requestIdJag` (`kind` `"id-jag"`)
/// and `exchangeIdJag` (`"access-token"`): `body` is the response's JSON text (null when it is
/// not JSON). Returns `{ token, tokenType?, scope? }` (the response's `expires_in` is a positive
/// number when present), or `{ refused: { error, errorDescription?, errorUri?, status, rule?,
/// message } }`: objects with fixed member names, built member by member (no serializer).
#[wasm_bindgen(js_name = checkTokenResponse)]
pub fn check_token_response(
    kind: &str,
    status: u16,
    body: JsValue,
    requested_scope: Option<String>,
) -> Result<JsValue, JsValue> {
    let kind = TokenKind::from_name(kind)
        .ok_or_else(|| config_error("kind must be id-jag or access-token".to_owned()))?;
    // Anything but a JSON object (an array, a string, invalid JSON, null) is "not a json object".
    let body = match json_arg(&body, "body") {
        Ok(serde_json::Value::Object(map)) => Some(map),
        _ => None,
    };
    let o = js_sys::Object::new();
    match crate::client::token_response::check_token_response(
        kind,
        status,
        body.as_ref(),
        requested_scope.as_deref(),
    ) {
        Ok(a) => {
            set(&o, "token", JsValue::from_str(a.token));
            set_some(&o, "tokenType", a.token_type);
            set_some(&o, "scope", a.scope);
        }
        Err(r) => {
            let x = js_sys::Object::new();
            set(&x, "error", JsValue::from_str(&r.error));
            set_some(&x, "errorDescription", r.error_description.as_deref());
            set_some(&x, "errorUri", r.error_uri.as_deref());
            set(&x, "status", JsValue::from(r.status));
            set_some(&x, "rule", r.rule);
            set(&x, "message", JsValue::from_str(&r.message));
            set(&o, "refused", x.into());
        }
    }
    Ok(o.into())
}

/// src/client/mod.rs `one_client_authentication`: throws ERR_CONFIG when a token request would
/// carry both a client secret and a client assertion.
#[wasm_bindgen(js_name = oneClientAuthentication)]
pub fn one_client_authentication(secret: bool, assertion: bool) -> Result<(), JsValue> {
    crate::client::one_client_authentication(secret, assertion).map_err(|e| to_js_error(&e))
}
