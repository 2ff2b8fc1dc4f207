//! The MCP client helpers' decisions (pkg/src/client.js; src/client/): in both builds.

use super::{json_arg, to_js_error};
use wasm_bindgen::prelude::*;

/// Sets a string member, when there is one (a data property on a plain object: cannot fail).
fn set(target: &js_sys::Object, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = js_sys::Reflect::set(target, &JsValue::from_str(name), &JsValue::from_str(v));
    }
}

/// src/client/token_response.rs `check_token_response` for `requestIdJag` (`idJag` true) and
/// `exchangeIdJag`: `body` is the response's JSON text (null when it is not JSON). Returns
/// `{ token, tokenType?, scope? }` (the response's `expires_in` is a positive number when
/// present), `{ server: '' }` (the body's OAuth error), or `{ rule, message, quoted? }`
/// (`invalid_response`; `{}` in the message stands for the value of the body's member
/// `quoted`). Objects with fixed member names, built member by member (no serializer).
#[wasm_bindgen(js_name = checkTokenResponse)]
pub fn check_token_response(
    id_jag: bool,
    status: u16,
    body: JsValue,
    requested_scope: Option<String>,
) -> JsValue {
    use crate::client::token_response::{Refusal, TokenKind};
    let kind = if id_jag {
        TokenKind::IdJag
    } else {
        TokenKind::AccessToken
    };
    // Anything but a JSON object (an array, a string, invalid JSON, null) is "not a json object".
    let body = match json_arg(&body, "body") {
        Ok(serde_json::Value::Object(map)) => Some(map),
        _ => None,
    };
    let o = js_sys::Object::new();
    let answer = crate::client::token_response::check_token_response(
        kind,
        status,
        body.as_ref(),
        requested_scope.as_deref(),
    );
    match answer {
        Ok(a) => {
            set(&o, "token", Some(a.token));
            set(&o, "tokenType", a.token_type);
            set(&o, "scope", a.scope);
        }
        Err(Refusal::Server) => set(&o, "server", Some("")),
        Err(Refusal::Broken {
            rule,
            message,
            quoted,
        }) => {
            set(&o, "rule", Some(rule));
            set(&o, "message", Some(&message));
            set(&o, "quoted", quoted);
        }
    }
    o.into()
}

/// The client helpers' configuration rules (src/client/mod.rs), in one export (the verifier
/// build stays small). `requestIdJag`: `secret`, `assertion`, T1 `one_client_authentication`.
/// `clientMetadata`: `callerSetsGrantMembers`, C13 `id_jag_client_metadata`, whose answer is
/// returned: the grant types and the grant profile, space-separated. Throws ERR_CONFIG.
#[wasm_bindgen(js_name = clientRules)]
pub fn client_rules(
    secret: bool,
    assertion: bool,
    caller_sets_grant_members: bool,
) -> Result<JsValue, JsValue> {
    crate::client::one_client_authentication(secret, assertion)
        .and_then(|()| crate::client::id_jag_client_metadata(caller_sets_grant_members))
        .map(JsValue::from_str)
        .map_err(|e| to_js_error(&e))
}
