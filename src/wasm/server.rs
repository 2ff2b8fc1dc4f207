//! Bindings for the authorization server (`idjag/server`, signing build): the token
//! endpoint's state machine (src/server/endpoint.rs) and the access-token issuer.

use super::{
    config_error, fresh_until, key_set, optional_alg, options_from, serializer_value, to_js_error,
};
use crate::jose::sign::SigningKey;
use crate::server::access_token::{AccessTokenIssuer, MintRequest};
use crate::server::client_auth::{ClientRegistry, ClientRegistryOptions};
use crate::server::endpoint::{
    Answer, Consumed, EndpointOptions, Exchange, KeysAnswer, Need, Step, SubjectAnswer,
    TokenEndpoint,
};
use crate::server::token_request::RawTokenRequest;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

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

fn access_token_issuer(options: JsValue) -> Result<AccessTokenIssuer, JsValue> {
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
    AccessTokenIssuer::new(&o.issuer, key, lifetime).map_err(|e| to_js_error(&e))
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
        Ok(WasmAccessTokenIssuer {
            inner: access_token_issuer(options)?,
        })
    }

    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    pub fn jwks(&self) -> Result<JsValue, JsValue> {
        serializer_value(&self.inner.jwks(), "the jwks")
    }

    #[wasm_bindgen(js_name = privateJwk)]
    pub fn private_jwk(&self) -> Result<JsValue, JsValue> {
        serializer_value(&self.inner.private_jwk(), "the jwk")
    }

    /// `grant`: `{ subject, clientId, resources, scopes, claims? }` of a verified grant.
    pub fn mint(&self, grant: JsValue, now_sec: f64) -> Result<JsValue, JsValue> {
        let grant: MintRequest = options_from(grant, "grant", "AccessTokenIssuer.mint()")?;
        let minted = self
            .inner
            .mint_for(&grant, now_sec)
            .map_err(|e| to_js_error(&e))?;
        serializer_value(&minted, "the token")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WasmEndpointRequest {
    method: String,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    query: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    authorization: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WasmEndpointOptions {
    #[serde(default)]
    hash_subject: Option<bool>,
    #[serde(default)]
    salt: Option<String>,
    #[serde(default)]
    map_subject: bool,
}

/// The token endpoint (src/server/endpoint.rs): the client registry, the grant verifier and the
/// access-token issuer in one core object; each request is a `WasmExchange`.
#[wasm_bindgen]
pub struct WasmTokenEndpoint {
    inner: TokenEndpoint,
}

#[wasm_bindgen]
impl WasmTokenEndpoint {
    /// `registry`: the client registry's options (`ClientRegistryOptions`); `grants`: the
    /// grants' `VerifierOptions` (checked under `options.grants`); `issuer`: the
    /// `AccessTokenIssuer`'s options (with its key); `audit`: `{ hashSubject?, salt?,
    /// mapSubject }`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        registry: JsValue,
        grants: JsValue,
        issuer: JsValue,
        audit: JsValue,
    ) -> Result<WasmTokenEndpoint, JsValue> {
        let value = super::json_arg(&grants, "options.grants")?;
        let grants =
            crate::grant::options::VerifierOptions::from_value_at(&value, "options.grants")
                .map_err(|e| to_js_error(&e))?;
        let verifier = crate::Verifier::new(grants).map_err(|e| to_js_error(&e))?;
        let issuer = access_token_issuer(issuer)?;
        // Checked before the clients, as the JS layer always did (the first error wins).
        TokenEndpoint::check_pairing(&verifier, &issuer).map_err(|e| to_js_error(&e))?;
        let o: ClientRegistryOptions = options_from(registry, "options", "createTokenEndpoint")?;
        let registry = ClientRegistry::new(o).map_err(|e| to_js_error(&e))?;
        let a: WasmEndpointOptions = options_from(audit, "options.audit", "createTokenEndpoint")?;
        let options = EndpointOptions {
            hash_subject: a.hash_subject.unwrap_or(true),
            salt: a.salt.unwrap_or_default(),
            map_subject: a.map_subject,
        };
        let inner =
            TokenEndpoint::new(registry, verifier, issuer, options).map_err(|e| to_js_error(&e))?;
        Ok(WasmTokenEndpoint { inner })
    }

    /// A private_key_jwt client's JWK Set (JSON text), usable until `freshUntilSec`.
    #[wasm_bindgen(js_name = setClientJwks)]
    pub fn set_client_jwks(
        &self,
        client_id: &str,
        jwks: JsValue,
        fresh_until_sec: Option<f64>,
    ) -> Result<(), JsValue> {
        let keys = key_set(&jwks)?;
        self.inner
            .set_client_keys(client_id, keys, fresh_until(fresh_until_sec)?)
            .map_err(|e| to_js_error(&e))
    }

    /// A grant issuer's JWK Set (JSON text), usable until `freshUntilSec`.
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

    /// Start a request (the raw shape of `authenticate`), received at `nowSec`.
    /// A `body` of null: the body could not be read (R5a).
    pub fn exchange(&self, raw: JsValue, now_sec: f64) -> Result<WasmExchange, JsValue> {
        let raw: WasmEndpointRequest = serde_wasm_bindgen::from_value(raw)
            .map_err(|e| config_error(format!("invalid raw request: {e}")))?;
        let Some(body) = raw.body else {
            return Ok(WasmExchange {
                inner: self.inner.exchange_unreadable(now_sec),
            });
        };
        let inner = self.inner.exchange(
            &RawTokenRequest {
                method: &raw.method,
                content_type: raw.content_type.as_deref(),
                query: &raw.query,
                body: &body,
                authorization: raw.authorization.as_deref(),
            },
            now_sec,
        );
        Ok(WasmExchange { inner })
    }
}

/// One token request in the machine.
#[wasm_bindgen]
pub struct WasmExchange {
    inner: Exchange,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
enum WasmNeed<'a> {
    #[serde(rename = "client-keys", rename_all = "camelCase")]
    ClientKeys {
        client_id: &'a str,
        jwks_uri: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        kid: Option<&'a str>,
        reason: &'static str,
    },
    #[serde(rename = "issuer-keys", rename_all = "camelCase")]
    IssuerKeys {
        issuer: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        kid: Option<&'a str>,
        reason: &'static str,
    },
    #[serde(rename = "consume-assertion", rename_all = "camelCase")]
    ConsumeAssertion { key: &'a str, until: f64 },
    #[serde(rename = "map-subject", rename_all = "camelCase")]
    MapSubject { grant: &'a crate::VerifiedGrant },
    #[serde(rename = "consume-grant", rename_all = "camelCase")]
    ConsumeGrant { key: &'a str, until: f64 },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmDone<'a> {
    status: u16,
    headers: &'a [(&'static str, String)],
    body: &'a str,
    /// The audit event as JSON text (its values are JSON: no Map/undefined conversions).
    event: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmStep<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    need: Option<WasmNeed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done: Option<WasmDone<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WasmAnswer {
    kind: String,
    #[serde(default)]
    changed: bool,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    subject: Option<String>,
}

#[wasm_bindgen]
impl WasmExchange {
    /// Run to the next need (`{ need: { kind, … } }`) or the decision (`{ done: { status,
    /// headers, body, event } }`). `keysNowSec`: the key loader's clock.
    pub fn step(
        &mut self,
        endpoint: &WasmTokenEndpoint,
        keys_now_sec: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        if let Some(k) = keys_now_sec {
            self.inner.set_keys_now(k);
        }
        let step = self.inner.step(&endpoint.inner);
        let out = match &step {
            Step::Need(n) => WasmStep {
                need: Some(match n {
                    Need::ClientKeys {
                        client_id,
                        jwks_uri,
                        kid,
                        reason,
                    } => WasmNeed::ClientKeys {
                        client_id,
                        jwks_uri,
                        kid: kid.as_deref(),
                        reason: reason.as_str(),
                    },
                    Need::IssuerKeys {
                        issuer,
                        kid,
                        reason,
                    } => WasmNeed::IssuerKeys {
                        issuer,
                        kid: kid.as_deref(),
                        reason: reason.as_str(),
                    },
                    Need::ConsumeAssertion { key, until } => {
                        WasmNeed::ConsumeAssertion { key, until: *until }
                    }
                    Need::MapSubject { grant } => WasmNeed::MapSubject { grant },
                    Need::ConsumeGrant { key, until, .. } => {
                        WasmNeed::ConsumeGrant { key, until: *until }
                    }
                }),
                done: None,
            },
            Step::Done(d) => WasmStep {
                need: None,
                done: Some(WasmDone {
                    status: d.status,
                    headers: &d.headers,
                    body: &d.body,
                    event: serde_json::Value::Object(d.event.clone()).to_string(),
                }),
            },
        };
        serializer_value(&out, "the step")
    }

    /// Answer the pending need: `{ kind: 'installed', changed } | { kind: 'unchanged' } |
    /// { kind: 'load-failed' | 'refused', message } | { kind: 'fresh' | 'already-used' } |
    /// { kind: 'store-failed', message } | { kind: 'keep' | 'no-account' | 'invalid' } |
    /// { kind: 'local', subject } | { kind: 'map-failed', message }`.
    pub fn answer(&mut self, answer: JsValue) -> Result<(), JsValue> {
        let a: WasmAnswer = serde_wasm_bindgen::from_value(answer)
            .map_err(|e| config_error(format!("invalid answer: {e}")))?;
        let message = || a.message.clone().unwrap_or_default();
        let answer = match a.kind.as_str() {
            "installed" => Answer::Keys(KeysAnswer::Installed { changed: a.changed }),
            "unchanged" => Answer::Keys(KeysAnswer::Unchanged),
            "load-failed" => Answer::Keys(KeysAnswer::LoadFailed(message())),
            "refused" => Answer::Keys(KeysAnswer::Refused(message())),
            "fresh" => Answer::Consumed(Consumed::Fresh),
            "already-used" => Answer::Consumed(Consumed::AlreadyUsed),
            "store-failed" => Answer::Consumed(Consumed::Failed(message())),
            "keep" => Answer::Subject(SubjectAnswer::Keep),
            "local" => Answer::Subject(SubjectAnswer::Local(a.subject.clone().unwrap_or_default())),
            "no-account" => Answer::Subject(SubjectAnswer::NoAccount),
            "invalid" => Answer::Subject(SubjectAnswer::Invalid),
            "map-failed" => Answer::Subject(SubjectAnswer::Failed(message())),
            other => {
                return Err(config_error(format!(
                    "unknown answer {}",
                    crate::error::quote(other)
                )));
            }
        };
        self.inner.answer(answer).map_err(|e| to_js_error(&e))
    }
}

/// The token endpoint's body cap (src/server/token_request.rs `MAX_BODY_BYTES`): the JS layer
/// reads at most one byte more, so the core sees, and refuses, a larger body itself.
#[wasm_bindgen(js_name = maxBodyBytes)]
pub fn max_body_bytes() -> u32 {
    crate::server::token_request::MAX_BODY_BYTES as u32
}
