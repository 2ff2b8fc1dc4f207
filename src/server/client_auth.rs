//! Client authentication at the token endpoint (R3, R4, R5): the registry of
//! clients and the check of `client_secret_basic`, `client_secret_post` and
//! `private_key_jwt` client assertions (RFC 7523 §3 as updated by rfc7523bis, R3a), the
//! per-client quota of live assertions, and the issuers a client may present grants from.

use crate::error::ErrorCode;
use crate::error::{Error, quote};
use crate::error::{KeySource, KeysNeeded, KeysNeededReason};
use crate::grant::replay::replay_key;
use crate::jose::crypto::Alg;
use crate::jose::jwk::{KeySet, KeySlot};
use crate::jose::jwt::{
    Audience, JwsRules, TimeClaims, TimeLimits, TypRule, check_times, parse_alg_list, required_str,
    verify_signed,
};
use crate::server::token_request::{ClientCredentials, JWT_BEARER, RequestError};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// R3a (rfc7523bis): the explicit type of a client authentication assertion.
pub const CLIENT_ASSERTION_TYP: &str = "client-authentication+jwt";
/// Default `maxAssertionsPerClient`: live assertion `jti`s one client may hold.
pub const DEFAULT_MAX_ASSERTIONS_PER_CLIENT: u64 = 1000;
const MAX_MAX_ASSERTIONS_PER_CLIENT: u64 = 100_000;

/// How a client authenticates at the token endpoint (RFC 7591 `token_endpoint_auth_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A shared secret in the `Authorization: Basic` header.
    ClientSecretBasic,
    /// A shared secret as the `client_secret` form parameter.
    ClientSecretPost,
    /// A client assertion signed with the client's key (RFC 7523 §2.2).
    PrivateKeyJwt,
    /// A public client: no authentication (refused unless allowed, R4).
    None,
}

impl AuthMethod {
    /// The RFC 7591 name, e.g. `client_secret_basic`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::None => "none",
        }
    }

    fn parse(s: &str) -> Option<AuthMethod> {
        [
            AuthMethod::ClientSecretBasic,
            AuthMethod::ClientSecretPost,
            AuthMethod::PrivateKeyJwt,
            AuthMethod::None,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// One registered client.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    /// Its `client_id`.
    pub client_id: String,
    /// How it authenticates: `client_secret_basic`, `client_secret_post`, `private_key_jwt` or `none`.
    pub token_endpoint_auth_method: String,
    /// Its secret (the `client_secret_*` methods; kept only as a SHA-256 digest).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Its public keys, inline (`private_key_jwt`).
    #[serde(default)]
    pub jwks: Option<Value>,
    /// Where its keys are fetched (`private_key_jwt`).
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// R5: grant types this client may use (default: jwt-bearer).
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    /// R17: the ID-JAG issuers (IdPs) this client may present grants from; `None`: any
    /// issuer the verifier trusts. Checked by `ClientRegistry::check_grant_issuer`.
    #[serde(default)]
    pub allowed_issuers: Option<Vec<String>>,
}

/// The token endpoint's client side of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientRegistryOptions {
    /// This authorization server's issuer identifier: a client assertion's sole `aud` (R3a).
    pub issuer: String,
    /// The token endpoint URL. Accepted as a client assertion's `aud` only with
    /// `legacyClientAssertionAudience` (RFC 7523 §3 allowed it; rfc7523bis does not, R3a).
    #[serde(default)]
    pub token_endpoint: Option<String>,
    /// R3a compatibility switch (default false): also accept `tokenEndpoint` as the sole
    /// `aud` of a client assertion, for clients written against RFC 7523 §3. The MCP
    /// TypeScript SDK sends the issuer whenever it has the AS metadata, and the token URL
    /// only when it found none. Needs `tokenEndpoint`.
    #[serde(default)]
    pub legacy_client_assertion_audience: Option<bool>,
    /// R3: most live client-assertion `jti`s one client may have in the replay store
    /// (default 1000), so one private_key_jwt client cannot fill the shared store.
    #[serde(default)]
    pub max_assertions_per_client: Option<u64>,
    /// The registered clients.
    pub clients: Vec<ClientOptions>,
    /// R4: clients registered with method `none` are refused unless this is true.
    #[serde(default)]
    pub allow_public_clients: Option<bool>,
    /// R10 for client assertions: their algorithm allow-list.
    #[serde(default)]
    pub client_assertion_algorithms: Option<Vec<String>>,
    /// Clock skew allowed on client assertions' times, seconds.
    #[serde(default)]
    pub clock_tolerance_sec: Option<u64>,
}

struct Client {
    client_id: String,
    method: AuthMethod,
    secret_digest: Option<[u8; 32]>,
    /// private_key_jwt: inline `jwks`, or a remote slot for `jwksUri` (rotated by the loader).
    keys: Option<KeySlot>,
    jwks_uri: Option<String>,
    may_use_jwt_bearer: bool,
    allowed_issuers: Option<Vec<String>>,
    /// R3: this client's live assertions, replay key → until (seconds). Bounded by
    /// `max_assertions`; expired entries are dropped on each use.
    live_assertions: Mutex<HashMap<String, f64>>,
}

/// Send + Sync natively (the quota is behind a `Mutex`).
pub struct ClientRegistry {
    issuer: String,
    /// The token endpoint, when accepted as an assertion `aud` (legacy switch, R3a).
    legacy_audience: Option<String>,
    clients: Vec<Client>,
    algorithms: Vec<Alg>,
    clock_tolerance: f64,
    max_assertions: usize,
}

/// An authenticated client; a private_key_jwt assertion's replay key must be
/// consumed by the caller (single use, RFC 7523 §3 item 7) before the grant is.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthenticatedClient {
    /// The client's `client_id`.
    pub client_id: String,
    /// How it authenticated.
    pub method: AuthMethod,
    /// A private_key_jwt assertion's replay key and how long to keep it (epoch seconds).
    pub assertion_replay: Option<(String, f64)>,
    /// The issuers this client may present grants from (`None`: any trusted issuer).
    pub allowed_issuers: Option<Vec<String>>,
}

/// Why authentication failed: a request error, or (private_key_jwt with
/// `jwksUri`) the client's keys must be fetched first.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthFailure {
    /// Refused: the 400/401 to answer.
    Refused(RequestError),
    /// The client's remote keys must be loaded first (absent, stale, or lacking the `kid`).
    KeysNeeded {
        /// The client whose keys.
        client_id: String,
        /// Where to fetch them.
        jwks_uri: String,
        /// The `kid` the assertion names, if any.
        kid: Option<String>,
        /// Why they are needed.
        reason: KeysNeededReason,
    },
}

/// The longest client assertion read (R6 for assertions: a few hundred bytes in practice).
const MAX_ASSERTION_BYTES: usize = 8192;

/// Client assertions are short-lived (RFC 7523 §3 item 4).
const MAX_ASSERTION_LIFETIME_SEC: f64 = 600.0;

fn refused(reason: impl Into<String>, basic: bool) -> AuthFailure {
    AuthFailure::Refused(RequestError {
        status: 401,
        oauth_error: "invalid_client",
        description: "client authentication failed",
        reason: reason.into(),
        rule: "R3",
        basic_challenge: basic,
    })
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Compare digests without an early exit, so timing does not reveal a prefix.
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

impl ClientRegistry {
    /// The registry of `o`'s clients (ERR_CONFIG for a client that is not well formed).
    pub fn new(o: ClientRegistryOptions) -> Result<ClientRegistry, Error> {
        if o.issuer.is_empty() {
            return Err(Error::config(
                "issuer must be this authorization server's issuer",
            ));
        }
        let allow_public = o.allow_public_clients.unwrap_or(false);
        let algorithms = match &o.client_assertion_algorithms {
            None => Alg::DEFAULT_ALLOWED.to_vec(),
            Some(list) => parse_alg_list(list, None, &|name| {
                format!("clientAssertionAlgorithms: {name} is not accepted")
            })?,
        };
        let mut clients: Vec<Client> = Vec::with_capacity(o.clients.len());
        for (i, c) in o.clients.into_iter().enumerate() {
            let at = format!("clients[{i}]");
            if c.client_id.is_empty() {
                return Err(Error::config(format!("{at}.clientId must not be empty")));
            }
            if clients.iter().any(|k| k.client_id == c.client_id) {
                return Err(Error::config(format!("{at}.clientId is listed twice")));
            }
            let method = AuthMethod::parse(&c.token_endpoint_auth_method).ok_or_else(|| {
                Error::config(format!(
                    "{at}.tokenEndpointAuthMethod must be client_secret_basic, client_secret_post, private_key_jwt or none"
                ))
            })?;
            let uses_secret = matches!(
                method,
                AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost
            );
            match (&c.client_secret, uses_secret) {
                (Some(s), true) if s.len() < 16 => {
                    return Err(Error::config(format!(
                        "{at}.clientSecret must be at least 16 characters"
                    )));
                }
                (None, true) => {
                    return Err(Error::config(format!("{at}.clientSecret is required")));
                }
                (Some(_), false) => {
                    return Err(Error::config(format!(
                        "{at}.clientSecret is only for client_secret_basic / client_secret_post"
                    )));
                }
                _ => {}
            }
            let keys = c
                .jwks
                .as_ref()
                .map(|j| KeySet::parse(j, &format!("{at}.jwks")))
                .transpose()?;
            if method == AuthMethod::PrivateKeyJwt
                && usize::from(keys.is_some()) + usize::from(c.jwks_uri.is_some()) != 1
            {
                return Err(Error::config(format!(
                    "{at} (private_key_jwt) needs exactly one of jwks or jwksUri"
                )));
            }
            if method != AuthMethod::PrivateKeyJwt && (keys.is_some() || c.jwks_uri.is_some()) {
                return Err(Error::config(format!(
                    "{at}: jwks/jwksUri are only for private_key_jwt"
                )));
            }
            // R4: public clients only when the operator opted in.
            if method == AuthMethod::None && !allow_public {
                return Err(Error::config(format!(
                    "{at}: public clients (none) need allowPublicClients: true"
                )));
            }
            if let Some(list) = &c.allowed_issuers
                && (list.is_empty() || list.iter().any(String::is_empty))
            {
                return Err(Error::config(format!(
                    "{at}.allowedIssuers must list non-empty issuers (omit it to allow every trusted issuer)"
                )));
            }
            let may_use_jwt_bearer = c
                .grant_types
                .as_ref()
                .is_none_or(|g| g.iter().any(|t| t == JWT_BEARER));
            let keys = match (keys, &c.jwks_uri) {
                (Some(set), _) => Some(KeySlot::inline(KeySource::Client, &c.client_id, set)),
                (None, Some(_)) => Some(KeySlot::remote(KeySource::Client, &c.client_id)),
                (None, None) => None,
            };
            clients.push(Client {
                secret_digest: c.client_secret.as_deref().map(digest),
                client_id: c.client_id,
                method,
                keys,
                jwks_uri: c.jwks_uri,
                may_use_jwt_bearer,
                allowed_issuers: c.allowed_issuers,
                live_assertions: Mutex::new(HashMap::new()),
            });
        }
        // R3a: the token endpoint is an assertion audience only when the operator opts in.
        let legacy_audience = match (
            o.legacy_client_assertion_audience.unwrap_or(false),
            o.token_endpoint,
        ) {
            (false, _) => None,
            (true, Some(t)) if !t.is_empty() => Some(t),
            (true, _) => {
                return Err(Error::config(
                    "legacyClientAssertionAudience needs tokenEndpoint",
                ));
            }
        };
        let max_assertions = o
            .max_assertions_per_client
            .unwrap_or(DEFAULT_MAX_ASSERTIONS_PER_CLIENT);
        if !(1..=MAX_MAX_ASSERTIONS_PER_CLIENT).contains(&max_assertions) {
            return Err(Error::config(format!(
                "maxAssertionsPerClient must be between 1 and {MAX_MAX_ASSERTIONS_PER_CLIENT}"
            )));
        }
        Ok(ClientRegistry {
            issuer: o.issuer,
            legacy_audience,
            clients,
            algorithms,
            clock_tolerance: o.clock_tolerance_sec.unwrap_or(60).min(3600) as f64,
            max_assertions: usize::try_from(max_assertions).unwrap_or(usize::MAX),
        })
    }

    /// R17 per client: may `client_id` present grants from issuer `iss`? `false` for an
    /// unknown client. A client without `allowedIssuers` may use every trusted issuer.
    pub fn issuer_allowed(&self, client_id: &str, iss: &str) -> bool {
        self.clients
            .iter()
            .find(|c| c.client_id == client_id)
            .is_some_and(|c| {
                c.allowed_issuers
                    .as_ref()
                    .is_none_or(|list| list.iter().any(|i| i == iss))
            })
    }

    /// `issuer_allowed` as the token endpoint uses it: after the grant verified
    /// (`Verifier::check`) and before its `jti` is consumed (`Verifier::consume` or the
    /// host's store), so a refused presentation does not burn the grant (R29). Refusal is
    /// ERR_ISSUER (`invalid_grant`, claim `iss`).
    pub fn check_grant_issuer(&self, client_id: &str, iss: &str) -> Result<(), Error> {
        if self.issuer_allowed(client_id, iss) {
            return Ok(());
        }
        Err(Error::claim(
            ErrorCode::Issuer,
            "iss",
            format!(
                "client {} may not present grants from issuer {}",
                quote(client_id),
                quote(iss)
            ),
        ))
    }

    /// Replace a private_key_jwt client's keys with a JWK Set document (usable until
    /// replaced). Takes `&self`, as [`ClientRegistry::set_client_keys`].
    pub fn set_client_jwks(&self, client_id: &str, jwks: &Value) -> Result<(), Error> {
        self.set_client_keys(client_id, KeySet::parse(jwks, "jwks")?, None)
    }

    /// Install a private_key_jwt client's parsed keys (from its `jwksUri`), usable until
    /// `fresh_until` (seconds since the epoch; `None`: until replaced). Takes `&self`: a
    /// registry shared by threads rotates a client's keys without a lock of the caller's.
    pub fn set_client_keys(
        &self,
        client_id: &str,
        keys: KeySet,
        fresh_until: Option<f64>,
    ) -> Result<(), Error> {
        let client = self
            .clients
            .iter()
            .find(|c| c.client_id == client_id)
            .ok_or_else(|| {
                Error::config(format!("{} is not a registered client", quote(client_id)))
            })?;
        match &client.keys {
            Some(slot) if slot.is_remote() => {
                slot.install(keys, fresh_until);
                Ok(())
            }
            _ => Err(Error::config(format!(
                "{} has no jwksUri to load keys for",
                quote(client_id)
            ))),
        }
    }

    /// The `jwks_uri` of the client whose keys the core asked for, if they are remote.
    fn jwks_uri_of(&self, needed: Option<&KeysNeeded>) -> Option<&str> {
        let id = needed?.id.as_str();
        self.clients
            .iter()
            .find(|c| c.client_id == id)?
            .jwks_uri
            .as_deref()
    }

    fn find(&self, client_id: &str, basic: bool) -> Result<&Client, AuthFailure> {
        self.clients
            .iter()
            .find(|c| c.client_id == client_id)
            .ok_or_else(|| refused(format!("unknown client {}", quote(client_id)), basic))
    }

    /// R3 (credentials valid, the registered method), R4, R5.
    pub fn authenticate(
        &self,
        creds: &ClientCredentials,
        now: f64,
    ) -> Result<AuthenticatedClient, AuthFailure> {
        self.authenticate_at(creds, now, now)
    }

    /// `authenticate`, with remote client keys' freshness judged on the key loader's clock
    /// (`keys_now`, seconds since the epoch).
    pub fn authenticate_at(
        &self,
        creds: &ClientCredentials,
        now: f64,
        keys_now: f64,
    ) -> Result<AuthenticatedClient, AuthFailure> {
        let (client, method, replay) = match creds {
            ClientCredentials::Basic { client_id, secret }
            | ClientCredentials::Post { client_id, secret } => {
                let basic = matches!(creds, ClientCredentials::Basic { .. });
                let method = if basic {
                    AuthMethod::ClientSecretBasic
                } else {
                    AuthMethod::ClientSecretPost
                };
                let client = self.find(client_id, basic)?;
                let ok = client
                    .secret_digest
                    .as_ref()
                    .is_some_and(|d| same_digest(d, &digest(secret)));
                if !ok {
                    return Err(refused("client secret does not match", basic));
                }
                (client, method, None)
            }
            ClientCredentials::PrivateKeyJwt {
                client_id,
                assertion,
            } => {
                let (client, replay) =
                    self.check_client_assertion(client_id.as_deref(), assertion, now, keys_now)?;
                (client, AuthMethod::PrivateKeyJwt, Some(replay))
            }
            ClientCredentials::None { client_id } => {
                let id = client_id
                    .as_deref()
                    .ok_or_else(|| refused("no client authentication", false))?;
                (self.find(id, false)?, AuthMethod::None, None)
            }
        };
        if client.method != method {
            return Err(refused(
                format!(
                    "client is registered for {}, not {}",
                    client.method.as_str(),
                    method.as_str()
                ),
                method == AuthMethod::ClientSecretBasic,
            ));
        }
        // R5
        if !client.may_use_jwt_bearer {
            return Err(AuthFailure::Refused(RequestError {
                status: 400,
                oauth_error: "unauthorized_client",
                description: "the client may not use this grant type",
                reason: "client is not registered for jwt-bearer".to_owned(),
                rule: "R5",
                basic_challenge: false,
            }));
        }
        Ok(AuthenticatedClient {
            client_id: client.client_id.clone(),
            method,
            assertion_replay: replay,
            allowed_issuers: client.allowed_issuers.clone(),
        })
    }

    /// RFC 7523 §3 with rfc7523bis (R3a): iss = sub = client_id; `aud` our issuer as the
    /// sole value (the token endpoint only with the legacy switch); `exp` (short), `iat`,
    /// `nbf` JSON numbers; `jti`; `typ`, when present, `client-authentication+jwt` or `JWT`
    /// (S16: never another token kind); signed by the client's registered keys. Then the
    /// client's quota of live assertions (R3).
    fn check_client_assertion(
        &self,
        client_id: Option<&str>,
        assertion: &str,
        now: f64,
        keys_now: f64,
    ) -> Result<(&Client, (String, f64)), AuthFailure> {
        let bad = |why: &str| refused(format!("client assertion: {why}"), false);
        // R3a: explicit typing; plain `JWT` (what most clients send) is still accepted.
        let rules = JwsRules {
            max_bytes: MAX_ASSERTION_BYTES,
            algorithms: &self.algorithms,
            typ: TypRule::OptionalOrJwt(CLIENT_ASSERTION_TYP),
        };
        let mut chosen = None;
        // The client is the unverified `iss`, used only to pick its keys (as R17 for grants).
        let pick_keys = |payload: &Map<String, Value>, _alg| {
            let iss = required_str(payload, "iss").map_err(|d| bad(d.error.message()))?;
            if client_id.is_some_and(|c| c != iss) {
                return Err(bad("iss is not the client_id parameter"));
            }
            let client = self.find(iss, false)?;
            if client.method != AuthMethod::PrivateKeyJwt {
                return Err(refused(
                    format!(
                        "client is registered for {}, not private_key_jwt",
                        client.method.as_str()
                    ),
                    false,
                ));
            }
            let slot = client.keys.as_ref().ok_or_else(|| bad("no keys"))?;
            chosen = Some(client);
            Ok((slot, keys_now))
        };
        // Absent, stale, or a kid the set lacks: the loader fetches and we ask again.
        let fail = |e: Error| match (e.needed_keys(), self.jwks_uri_of(e.needed_keys())) {
            (Some(n), Some(uri)) => AuthFailure::KeysNeeded {
                client_id: n.id.clone(),
                jwks_uri: uri.to_owned(),
                kid: n.kid.clone(),
                reason: n.reason,
            },
            _ => bad(e.message()),
        };
        let jws = verify_signed(assertion, &rules, pick_keys, fail, &mut |_| {})?;
        let client = chosen.ok_or_else(|| bad("no client"))?;
        let c = &jws.payload;
        let iss = client.client_id.as_str();
        if c.get("sub").and_then(Value::as_str) != Some(iss) {
            return Err(bad("sub must equal iss (the client_id)"));
        }
        // R3a: our issuer as the sole audience (a string, or a one-element array of it).
        let ours = |a: &str| a == self.issuer || self.legacy_audience.as_deref() == Some(a);
        if !Audience::read(c).is_ok_and(|aud| aud.only().is_some_and(ours)) {
            return Err(bad(
                "aud must be this authorization server's issuer, as its only value",
            ));
        }
        // NumericDates are JSON numbers (RFC 7519 §2): a string `exp`/`iat`/`nbf` is refused,
        // never parsed or skipped (the CVE-2025-27370/27371 pattern).
        let t = self.clock_tolerance;
        let exp = check_times(
            &TimeClaims::read(c),
            now,
            &TimeLimits::client_assertion(t, MAX_ASSERTION_LIFETIME_SEC),
        )
        .map_err(|f| bad(f.error("token", MAX_ASSERTION_LIFETIME_SEC).message()))?
        .exp;
        let jti = required_str(c, "jti").map_err(|d| bad(d.error.message()))?;
        // Namespaced apart from grants: the "issuer" of a client assertion is the client.
        let key = replay_key(&format!("client-assertion:{iss}"), jti);
        let until = exp + t;
        self.count_assertion(client, &key, until, now)?;
        Ok((client, (key, until)))
    }

    /// R3: one client's live assertions are capped, so a single private_key_jwt client
    /// cannot fill the shared replay store and lock every other client out. Counted only
    /// for assertions whose signature verified; a key already counted (a replay, which the
    /// store refuses) is not counted twice. Expiry uses `purge_time` (a future `now` does
    /// not free the quota). A poisoned lock refuses; it never panics.
    fn count_assertion(
        &self,
        client: &Client,
        key: &str,
        until: f64,
        now: f64,
    ) -> Result<(), AuthFailure> {
        let refuse = || {
            refused(
                "client assertion: too many client assertions in flight",
                false,
            )
        };
        let mut live = client.live_assertions.lock().map_err(|_| refuse())?;
        let purge_now = crate::grant::replay::purge_time(now);
        live.retain(|_, u| *u > purge_now);
        if live.contains_key(key) {
            return Ok(());
        }
        if live.len() >= self.max_assertions {
            return Err(refuse());
        }
        live.insert(key.to_owned(), until);
        Ok(())
    }
}

#[cfg(all(test, feature = "signing"))]
mod tests {
    use super::*;
    use crate::jose::sign::SigningKey;
    use serde_json::json;

    const AS: &str = "https://as.example.com";

    fn registry(key: &SigningKey) -> ClientRegistry {
        registry_with(key, json!({}))
    }

    fn registry_with(key: &SigningKey, extra: Value) -> ClientRegistry {
        let mut o = json!({
            "issuer": AS,
            "tokenEndpoint": "https://as.example.com/token",
            "clients": [
                { "clientId": "basic", "tokenEndpointAuthMethod": "client_secret_basic", "clientSecret": "0123456789abcdef", "allowedIssuers": ["https://idp-a"] },
                { "clientId": "post", "tokenEndpointAuthMethod": "client_secret_post", "clientSecret": "0123456789abcdef", "grantTypes": ["authorization_code"] },
                { "clientId": "jwt", "tokenEndpointAuthMethod": "private_key_jwt", "jwks": { "keys": [key.public_jwk()] } },
                { "clientId": "jwt2", "tokenEndpointAuthMethod": "private_key_jwt", "jwks": { "keys": [key.public_jwk()] } }
            ]
        });
        for (k, v) in extra.as_object().unwrap() {
            o[k] = v.clone();
        }
        ClientRegistry::new(serde_json::from_value(o).unwrap()).unwrap()
    }

    fn pkj(a: String) -> ClientCredentials {
        ClientCredentials::PrivateKeyJwt {
            client_id: None,
            assertion: a,
        }
    }

    fn reason(r: Result<AuthenticatedClient, AuthFailure>) -> String {
        match r {
            Err(AuthFailure::Refused(e)) => {
                assert_eq!(e.oauth_error, "invalid_client");
                e.reason
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn signed(key: &SigningKey, typ: &str, claims: Value) -> String {
        key.sign_jwt(typ, claims.as_object().unwrap(), None)
            .unwrap()
    }

    fn assertion(key: &SigningKey, claims: Value) -> String {
        key.sign_jwt("JWT", claims.as_object().unwrap(), None)
            .unwrap()
    }

    #[test]
    fn secrets_methods_and_grant_types() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry(&key);
        let basic = |id: &str, s: &str| ClientCredentials::Basic {
            client_id: id.into(),
            secret: s.into(),
        };
        assert!(
            r.authenticate(&basic("basic", "0123456789abcdef"), 0.0)
                .is_ok()
        );
        assert!(
            matches!(r.authenticate(&basic("basic", "0123456789abcdeX"), 0.0), Err(AuthFailure::Refused(e)) if e.basic_challenge && e.status == 401)
        );
        assert!(
            r.authenticate(&basic("nobody", "0123456789abcdef"), 0.0)
                .is_err()
        );
        // registered for basic, used post
        let post = ClientCredentials::Post {
            client_id: "basic".into(),
            secret: "0123456789abcdef".into(),
        };
        assert!(r.authenticate(&post, 0.0).is_err());
        // R5
        let post = ClientCredentials::Post {
            client_id: "post".into(),
            secret: "0123456789abcdef".into(),
        };
        assert!(
            matches!(r.authenticate(&post, 0.0), Err(AuthFailure::Refused(e)) if e.oauth_error == "unauthorized_client")
        );
    }

    #[test]
    fn private_key_jwt() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry(&key);
        let now = 1_800_000_000.0;
        let good = json!({"iss": "jwt", "sub": "jwt", "aud": AS, "exp": now + 60.0, "iat": now, "jti": "j1"});
        let creds = |a: String| ClientCredentials::PrivateKeyJwt {
            client_id: None,
            assertion: a,
        };
        let ok = r
            .authenticate(&creds(assertion(&key, good.clone())), now)
            .unwrap();
        assert_eq!(ok.method, AuthMethod::PrivateKeyJwt);
        assert!(ok.assertion_replay.is_some());
        // R3a: the token endpoint is no longer an audience (see the legacy switch).
        let mut endpoint_aud = good.clone();
        endpoint_aud["aud"] = json!("https://as.example.com/token");
        assert!(
            r.authenticate(&creds(assertion(&key, endpoint_aud)), now)
                .is_err()
        );
        for (name, value) in [
            ("aud", json!("https://other")),
            ("sub", json!("x")),
            ("exp", json!(now - 120.0)),
            ("jti", json!("")),
        ] {
            let mut c = good.clone();
            c[name] = value;
            assert!(
                r.authenticate(&creds(assertion(&key, c)), now).is_err(),
                "{name}"
            );
        }
        let other = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        assert!(
            r.authenticate(&creds(assertion(&other, good)), now)
                .is_err()
        );
    }

    // R3a: the issuer as the sole audience; the token endpoint only with the legacy switch.
    #[test]
    fn r3a_audience_is_the_issuer_alone() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry(&key);
        let now = 1_800_000_000.0;
        let with_aud = |aud: Value, jti: &str| json!({"iss": "jwt", "sub": "jwt", "aud": aud, "exp": now + 60.0, "iat": now, "jti": jti});
        let endpoint = "https://as.example.com/token";
        assert!(
            r.authenticate(&pkj(assertion(&key, with_aud(json!(AS), "a1"))), now)
                .is_ok()
        );
        assert!(
            r.authenticate(&pkj(assertion(&key, with_aud(json!([AS]), "a2"))), now)
                .is_ok()
        );
        for (i, aud) in [
            json!(endpoint),
            json!([endpoint]),
            json!(["https://other", AS]),
            json!([AS, AS]),
            json!([AS, endpoint]),
            json!([]),
            json!(5),
        ]
        .into_iter()
        .enumerate()
        {
            let why = reason(r.authenticate(
                &pkj(assertion(&key, with_aud(aud.clone(), &format!("b{i}")))),
                now,
            ));
            assert!(why.contains("aud"), "{aud}: {why}");
        }
        let legacy = registry_with(&key, json!({"legacyClientAssertionAudience": true}));
        assert!(
            legacy
                .authenticate(&pkj(assertion(&key, with_aud(json!(endpoint), "c1"))), now)
                .is_ok()
        );
        assert!(
            legacy
                .authenticate(
                    &pkj(assertion(&key, with_aud(json!([endpoint]), "c2"))),
                    now
                )
                .is_ok()
        );
        assert!(
            legacy
                .authenticate(&pkj(assertion(&key, with_aud(json!(AS), "c3"))), now)
                .is_ok()
        );
        assert!(
            legacy
                .authenticate(
                    &pkj(assertion(&key, with_aud(json!([AS, endpoint]), "c4"))),
                    now
                )
                .is_err()
        );
        // The switch needs the token endpoint.
        let o: ClientRegistryOptions = serde_json::from_value(json!({
            "issuer": AS, "legacyClientAssertionAudience": true, "clients": []
        }))
        .unwrap();
        assert!(ClientRegistry::new(o).is_err());
    }

    // R3a / RFC 7519 §2: NumericDates are numbers; strings are refused (CVE-2025-27370/27371).
    #[test]
    fn r3a_dates_must_be_numbers() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry(&key);
        let now = 1_800_000_000.0;
        let good = json!({"iss": "jwt", "sub": "jwt", "aud": AS, "exp": now + 60.0, "iat": now, "jti": "d0"});
        for (name, value) in [
            ("exp", json!((now + 60.0).to_string())),
            ("iat", json!(now.to_string())),
            ("nbf", json!(now.to_string())),
            ("nbf", json!(null)),
            ("iat", json!(true)),
        ] {
            let mut c = good.clone();
            c[name] = value.clone();
            c["jti"] = json!(format!("d-{name}-{value}"));
            let why = reason(r.authenticate(&pkj(assertion(&key, c)), now));
            assert!(why.contains(name), "{name}={value}: {why}");
        }
    }

    // R3a: explicit typing, `client-authentication+jwt` or plain `JWT`, nothing else.
    #[test]
    fn r3a_typ() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry(&key);
        let now = 1_800_000_000.0;
        let claims = |jti: &str| json!({"iss": "jwt", "sub": "jwt", "aud": AS, "exp": now + 60.0, "iat": now, "jti": jti});
        for (i, typ) in [
            "client-authentication+jwt",
            "application/client-authentication+jwt",
            "JWT",
            "jwt",
        ]
        .into_iter()
        .enumerate()
        {
            assert!(
                r.authenticate(&pkj(signed(&key, typ, claims(&format!("t{i}")))), now)
                    .is_ok(),
                "{typ}"
            );
        }
        for (i, typ) in [
            "at+jwt",
            "oauth-id-jag+jwt",
            "authorization-grant+jwt",
            "dpop+jwt",
            "JOSE",
            "",
        ]
        .into_iter()
        .enumerate()
        {
            let why =
                reason(r.authenticate(&pkj(signed(&key, typ, claims(&format!("u{i}")))), now));
            assert!(why.contains("typ"), "{typ}: {why}");
        }
        let mut h = serde_json::Map::new();
        h.insert("typ".into(), json!(1));
        let t = key
            .sign_jwt("JWT", claims("v").as_object().unwrap(), Some(&h))
            .unwrap();
        assert!(r.authenticate(&pkj(t), now).is_err());
    }

    // R3: one client's live assertions are capped; other clients are unaffected; expired
    // ones free the quota; a replayed jti is not counted twice; a future `now` frees nothing.
    #[test]
    fn r3_per_client_assertion_quota() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry_with(&key, json!({"maxAssertionsPerClient": 3}));
        let now = 1_700_000_000.0; // in the past: the wall clock never caps it
        let a = |client: &str, jti: &str, exp: f64| {
            pkj(assertion(
                &key,
                json!({"iss": client, "sub": client, "aud": AS, "exp": exp, "iat": now, "jti": jti}),
            ))
        };
        for j in ["1", "2", "3"] {
            assert!(r.authenticate(&a("jwt", j, now + 60.0), now).is_ok());
        }
        // the same jti again is not a new entry (the replay store refuses it)
        assert!(r.authenticate(&a("jwt", "3", now + 60.0), now).is_ok());
        let why = reason(r.authenticate(&a("jwt", "4", now + 60.0), now));
        assert!(
            why.contains("too many client assertions in flight"),
            "{why}"
        );
        // another client is unaffected
        assert!(r.authenticate(&a("jwt2", "1", now + 60.0), now).is_ok());
        // once they expire (exp + tolerance), room comes back
        let later = now + 200.0;
        assert!(r.authenticate(&a("jwt", "5", later + 60.0), later).is_ok());
        // a far-future now is capped by the wall clock: it frees nothing
        let wall = crate::grant::replay::purge_time(f64::MAX);
        let r = registry_with(&key, json!({"maxAssertionsPerClient": 1}));
        let pkj_at = |jti: &str, t: f64| {
            pkj(assertion(
                &key,
                json!({"iss": "jwt", "sub": "jwt", "aud": AS, "exp": t + 60.0, "iat": t, "jti": jti}),
            ))
        };
        assert!(r.authenticate(&pkj_at("f1", wall), wall).is_ok());
        assert!(
            r.authenticate(&pkj_at("f2", wall + 1e7), wall + 1e7)
                .is_err()
        );
        for bad in [json!(0), json!(100_001)] {
            let o: ClientRegistryOptions = serde_json::from_value(json!({
                "issuer": AS, "maxAssertionsPerClient": bad, "clients": []
            }))
            .unwrap();
            assert!(ClientRegistry::new(o).is_err());
        }
    }

    #[test]
    fn registry_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ClientRegistry>();
    }

    // R17 per client: allowedIssuers.
    #[test]
    fn per_client_allowed_issuers() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let r = registry(&key);
        assert!(r.issuer_allowed("basic", "https://idp-a"));
        assert!(!r.issuer_allowed("basic", "https://idp-b"));
        assert!(
            r.issuer_allowed("jwt", "https://idp-b"),
            "no list: any trusted issuer"
        );
        assert!(!r.issuer_allowed("nobody", "https://idp-a"));
        let e = r.check_grant_issuer("basic", "https://idp-b").unwrap_err();
        assert_eq!(e.code(), ErrorCode::Issuer);
        assert_eq!(e.claim_name(), Some("iss"));
        assert!(
            e.message().contains("may not present grants from issuer"),
            "{}",
            e.message()
        );
        let ok = r
            .authenticate(
                &ClientCredentials::Basic {
                    client_id: "basic".into(),
                    secret: "0123456789abcdef".into(),
                },
                0.0,
            )
            .unwrap();
        assert_eq!(ok.allowed_issuers, Some(vec!["https://idp-a".to_owned()]));
        for bad in [json!([]), json!([""])] {
            let o: ClientRegistryOptions = serde_json::from_value(json!({
                "issuer": AS,
                "clients": [{ "clientId": "c", "tokenEndpointAuthMethod": "client_secret_post", "clientSecret": "0123456789abcdef", "allowedIssuers": bad }]
            }))
            .unwrap();
            assert!(ClientRegistry::new(o).is_err());
        }
    }
}
