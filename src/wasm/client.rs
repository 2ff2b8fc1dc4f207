//! The MCP client helpers' decisions (pkg/src/client.js; src/client/): in both builds.

use super::{config_error, json_arg, json_out, to_js_error};
use crate::client::token_response::{Accepted, Refusal, TokenKind};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A token response re-serialised by JS (`JSON.stringify` of the parsed body) may be somewhat
/// longer than the 1 MiB the JS read (`1e5` becomes `100000`).
const MAX_BODY_BYTES: usize = 2 << 20;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Answer<'a> {
    Accepted(&'a Accepted),
    Refused(&'a Refusal),
}

/// src/client/token_response.rs `check_token_response` for `requestIdJag` (`kind` `"id-jag"`)
/// and `exchangeIdJag` (`"access-token"`): `body` is the response's JSON text (null when it is
/// not JSON). Returns JSON text, `{ accepted: { token, tokenType?, expiresIn?, scope? } }` or
/// `{ refused: { error, errorDescription?, errorUri?, status, rule?, message } }`.
#[wasm_bindgen(js_name = checkTokenResponse)]
pub fn check_token_response(
    kind: &str,
    status: u16,
    body: Option<String>,
    requested_scope: Option<String>,
) -> Result<JsValue, JsValue> {
    let kind = TokenKind::from_name(kind)
        .ok_or_else(|| config_error("kind must be id-jag or access-token".to_owned()))?;
    // Anything but a JSON object (an array, a string, invalid JSON) is "not a json object".
    let body = body.and_then(|text| {
        crate::jose::strict_json::parse_document(text.as_bytes(), MAX_BODY_BYTES).ok()
    });
    let answer = crate::client::token_response::check_token_response(
        kind,
        status,
        body.as_ref(),
        requested_scope.as_deref(),
    );
    match &answer {
        Ok(a) => json_out(&Answer::Accepted(a), "token response"),
        Err(r) => json_out(&Answer::Refused(r), "token response"),
    }
}

/// src/client/metadata.rs `client_metadata`: `options` as JSON text, `clientId`'s WHATWG
/// pathname and search when it is given. Returns the document as JSON text, a list of
/// `[member, value]` pairs in order; throws ERR_CONFIG.
#[wasm_bindgen(js_name = clientMetadata)]
pub fn client_metadata(
    options: JsValue,
    client_id_pathname: Option<String>,
    client_id_search: Option<String>,
) -> Result<JsValue, JsValue> {
    let serde_json::Value::Object(options) = json_arg(&options, "options")? else {
        return Err(config_error("options must be an object".to_owned()));
    };
    let url = client_id_pathname
        .as_deref()
        .map(|path| (path, client_id_search.as_deref().unwrap_or("")));
    let doc =
        crate::client::metadata::client_metadata(&options, url).map_err(|e| to_js_error(&e))?;
    json_out(&doc, "client metadata")
}

/// src/client/mod.rs `one_client_authentication`: throws ERR_CONFIG when a token request would
/// carry both a client secret and a client assertion.
#[wasm_bindgen(js_name = oneClientAuthentication)]
pub fn one_client_authentication(secret: bool, assertion: bool) -> Result<(), JsValue> {
    crate::client::one_client_authentication(secret, assertion).map_err(|e| to_js_error(&e))
}
