//! Bindings for the authorization server (`idjag/server`, signing build):
//! the token request + client authentication, and the access-token issuer.

use super::{
    config_error, fresh_until, key_set, optional_alg, options_from, serializer_value, to_js_error,
};
use crate::access_token::{AccessTokenIssuer, MintRequest};
use crate::client_auth::{AuthFailure, ClientRegistry, ClientRegistryOptions};
use crate::sign::SigningKey;
use crate::token_request::{RawTokenRequest, RequestError, TokenRequest};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WasmRawRequest {
    method: String,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    query: String,
    body: String,
    #[serde(default)]
    authorization: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmRequestError<'a> {
    status: u16,
    oauth_error: &'a str,
    description: &'a str,
    reason: &'a str,
    rule: &'a str,
    basic_challenge: bool,
}

impl<'a> From<&'a RequestError> for WasmRequestError<'a> {
    fn from(e: &'a RequestError) -> Self {
        WasmRequestError {
            status: e.status,
            oauth_error: e.oauth_error,
            description: e.description,
            reason: &e.reason,
            rule: e.rule,
            basic_challenge: e.basic_challenge,
        }
    }
}

/// One answer shape: `{ ok: true, ... }`, `{ ok: false, error }` or `{ ok: false, keysNeeded }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Authenticated<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    assertion: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assertion_replay_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assertion_replay_until: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<WasmRequestError<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keys_needed: Option<KeysNeeded<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeysNeeded<'a> {
    client_id: &'a str,
    jwks_uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    reason: &'static str,
}

const NOTHING: Authenticated<'static> = Authenticated {
    ok: false,
    assertion: None,
    scope: None,
    resource: None,
    client_id: None,
    auth_method: None,
    assertion_replay_key: None,
    assertion_replay_until: None,
    error: None,
    keys_needed: None,
};

#[wasm_bindgen]
pub struct WasmClientRegistry {
    inner: ClientRegistry,
}

#[wasm_bindgen]
impl WasmClientRegistry {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmClientRegistry, JsValue> {
        let o: ClientRegistryOptions = options_from(options, "options", "createTokenEndpoint")?;
        let inner = ClientRegistry::new(o).map_err(|e| to_js_error(&e))?;
        Ok(WasmClientRegistry { inner })
    }

    /// A private_key_jwt client's JWK Set (JSON text, from its `jwksUri`), usable until
    /// `freshUntilSec`; then `authenticate` answers `keysNeeded` again (rotation).
    #[wasm_bindgen(js_name = setClientJwks)]
    pub fn set_client_jwks(
        &mut self,
        client_id: &str,
        jwks: JsValue,
        fresh_until_sec: Option<f64>,
    ) -> Result<(), JsValue> {
        let keys = key_set(&jwks)?;
        self.inner
            .set_client_keys(client_id, keys, fresh_until(fresh_until_sec)?)
            .map_err(|e| to_js_error(&e))
    }

    /// Issue 11: may this client present grants from `issuer` (its `allowedIssuers`)? Throws
    /// ERR_ISSUER when not. Called after the grant verified and before its jti is consumed.
    #[wasm_bindgen(js_name = checkGrantIssuer)]
    pub fn check_grant_issuer(&self, client_id: &str, issuer: &str) -> Result<(), JsValue> {
        self.inner
            .check_grant_issuer(client_id, issuer)
            .map_err(|e| to_js_error(&e))
    }

    /// R5a, R1, R2 (request) then R3–R5 (client). Never throws for request content.
    pub fn authenticate(
        &self,
        raw: JsValue,
        now_sec: f64,
        keys_now_sec: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let raw: WasmRawRequest = serde_wasm_bindgen::from_value(raw)
            .map_err(|e| config_error(format!("invalid raw request: {e}")))?;
        let parsed = TokenRequest::parse(&RawTokenRequest {
            method: &raw.method,
            content_type: raw.content_type.as_deref(),
            query: &raw.query,
            body: &raw.body,
            authorization: raw.authorization.as_deref(),
        });
        let request = match &parsed {
            Ok(r) => r,
            Err(e) => {
                return answer(&Authenticated {
                    error: Some(e.into()),
                    ..NOTHING
                });
            }
        };
        let keys_now = keys_now_sec.unwrap_or(now_sec);
        match self
            .inner
            .authenticate_at(&request.credentials, now_sec, keys_now)
        {
            Ok(client) => answer(&Authenticated {
                ok: true,
                assertion: Some(&request.assertion),
                scope: request.scope.as_deref(),
                resource: request.resource.as_deref(),
                client_id: Some(&client.client_id),
                auth_method: Some(client.method.as_str()),
                assertion_replay_key: client.assertion_replay.as_ref().map(|(k, _)| k.as_str()),
                assertion_replay_until: client.assertion_replay.as_ref().map(|(_, u)| *u),
                ..NOTHING
            }),
            Err(AuthFailure::Refused(e)) => answer(&Authenticated {
                error: Some((&e).into()),
                ..NOTHING
            }),
            Err(AuthFailure::KeysNeeded {
                client_id,
                jwks_uri,
                kid,
                reason,
            }) => answer(&Authenticated {
                keys_needed: Some(KeysNeeded {
                    client_id: &client_id,
                    jwks_uri: &jwks_uri,
                    kid: kid.as_deref(),
                    reason: reason.as_str(),
                }),
                ..NOTHING
            }),
        }
    }
}

fn answer(a: &Authenticated) -> Result<JsValue, JsValue> {
    serializer_value(a).ok_or_else(|| config_error("could not convert the answer".to_owned()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IssuerOptions {
    issuer: String,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    private_jwk: Option<serde_json::Value>,
    #[serde(default)]
    lifetime_sec: Option<u64>,
}

/// RFC 9068 access tokens: ES256 by default, RS256 (imported key) and EdDSA available.
#[wasm_bindgen]
pub struct WasmAccessTokenIssuer {
    inner: AccessTokenIssuer,
}

/// Access tokens live 5 minutes unless configured (between 1 minute and 1 day).
const DEFAULT_AT_LIFETIME_SEC: u64 = 300;

#[wasm_bindgen]
impl WasmAccessTokenIssuer {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmAccessTokenIssuer, JsValue> {
        let o: IssuerOptions = options_from(options, "options", "AccessTokenIssuer")?;
        let alg = optional_alg(o.alg.as_deref())?;
        let key = match &o.private_jwk {
            Some(jwk) => SigningKey::from_jwk(jwk, alg),
            None => SigningKey::generate(alg.unwrap_or(crate::Alg::ES256), o.kid.clone()),
        }
        .map_err(|e| to_js_error(&e))?;
        let lifetime = o.lifetime_sec.unwrap_or(DEFAULT_AT_LIFETIME_SEC);
        if !(60..=86_400).contains(&lifetime) {
            return Err(config_error(
                "lifetimeSec must be between 60 and 86400".to_owned(),
            ));
        }
        let inner =
            AccessTokenIssuer::new(&o.issuer, key, lifetime).map_err(|e| to_js_error(&e))?;
        Ok(WasmAccessTokenIssuer { inner })
    }

    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    pub fn jwks(&self) -> Result<JsValue, JsValue> {
        serializer_value(&self.inner.jwks())
            .ok_or_else(|| config_error("could not convert the jwks".to_owned()))
    }

    #[wasm_bindgen(js_name = privateJwk)]
    pub fn private_jwk(&self) -> Result<JsValue, JsValue> {
        serializer_value(&self.inner.private_jwk())
            .ok_or_else(|| config_error("could not convert the jwk".to_owned()))
    }

    /// `grant`: `{ subject, clientId, resources, scopes, claims? }` of a verified grant.
    pub fn mint(&self, grant: JsValue, now_sec: f64) -> Result<JsValue, JsValue> {
        let grant: MintRequest = options_from(grant, "grant", "AccessTokenIssuer.mint()")?;
        let minted = self
            .inner
            .mint_for(&grant, now_sec)
            .map_err(|e| to_js_error(&e))?;
        serializer_value(&minted)
            .ok_or_else(|| config_error("could not convert the token".to_owned()))
    }
}

/// The audit event's pseudonymous subject: b64url(sha256(salt ‖ 0 ‖ iss ‖ 0 ‖ sub ‖ 0)).
#[wasm_bindgen(js_name = hashSubject)]
pub fn hash_subject(issuer: &str, subject: &str, salt: &str) -> String {
    crate::endpoint::hash_subject(issuer, subject, salt)
}
