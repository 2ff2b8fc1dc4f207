//! Client authentication at the token endpoint (R3, R4, R5): the registry of
//! clients and the check of `client_secret_basic`, `client_secret_post` and
//! `private_key_jwt` (RFC 7523 §2.2 / §3 client assertions).

use crate::crypto::Alg;
use crate::error::{Error, quote};
use crate::error::{KeySource, KeysNeededReason};
use crate::jwk::{KeySet, KeySlot};
use crate::jws::parse_compact;
use crate::replay::replay_key;
use crate::token_request::{ClientCredentials, JWT_BEARER, RequestError};
use crate::verify::{header_kid, jose_header_alg, typ_matches, verify_with};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
    None,
}

impl AuthMethod {
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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientOptions {
    pub client_id: String,
    pub token_endpoint_auth_method: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub jwks: Option<Value>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// R5: grant types this client may use (default: jwt-bearer).
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
}

/// The token endpoint's client side of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientRegistryOptions {
    /// This authorization server's issuer identifier (a client assertion's `aud`).
    pub issuer: String,
    /// The token endpoint URL, also accepted as a client assertion's `aud` (RFC 7523 §3).
    #[serde(default)]
    pub token_endpoint: Option<String>,
    pub clients: Vec<ClientOptions>,
    /// R4: clients registered with method `none` are refused unless this is true.
    #[serde(default)]
    pub allow_public_clients: Option<bool>,
    #[serde(default)]
    pub client_assertion_algorithms: Option<Vec<String>>,
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
}

pub struct ClientRegistry {
    issuer: String,
    token_endpoint: Option<String>,
    clients: Vec<Client>,
    algorithms: Vec<Alg>,
    clock_tolerance: f64,
}

/// An authenticated client; a private_key_jwt assertion's replay key must be
/// consumed by the caller (single use, RFC 7523 §3 item 7) before the grant is.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthenticatedClient {
    pub client_id: String,
    pub method: AuthMethod,
    pub assertion_replay: Option<(String, f64)>,
}

/// Why authentication failed: a request error, or (private_key_jwt with
/// `jwksUri`) the client's keys must be fetched first.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthFailure {
    Refused(RequestError),
    KeysNeeded {
        client_id: String,
        jwks_uri: String,
        kid: Option<String>,
        reason: KeysNeededReason,
    },
}

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
    pub fn new(o: ClientRegistryOptions) -> Result<ClientRegistry, Error> {
        if o.issuer.is_empty() {
            return Err(Error::config(
                "issuer must be this authorization server's issuer",
            ));
        }
        let allow_public = o.allow_public_clients.unwrap_or(false);
        let algorithms = match &o.client_assertion_algorithms {
            None => Alg::DEFAULT_ALLOWED.to_vec(),
            Some(list) => list
                .iter()
                .map(|a| {
                    Alg::parse(a).ok_or_else(|| {
                        Error::config(format!(
                            "clientAssertionAlgorithms: {} is not accepted",
                            quote(a)
                        ))
                    })
                })
                .collect::<Result<_, _>>()?,
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
            });
        }
        Ok(ClientRegistry {
            issuer: o.issuer,
            token_endpoint: o.token_endpoint,
            clients,
            algorithms,
            clock_tolerance: o.clock_tolerance_sec.unwrap_or(60).min(3600) as f64,
        })
    }

    pub fn set_client_jwks(&mut self, client_id: &str, jwks: &Value) -> Result<(), Error> {
        self.set_client_keys(client_id, KeySet::parse(jwks, "jwks")?, None)
    }

    /// Install a private_key_jwt client's parsed keys (from its `jwksUri`), usable until
    /// `fresh_until` (seconds since the epoch; `None`: until replaced).
    pub fn set_client_keys(
        &mut self,
        client_id: &str,
        keys: KeySet,
        fresh_until: Option<f64>,
    ) -> Result<(), Error> {
        let client = self
            .clients
            .iter_mut()
            .find(|c| c.client_id == client_id)
            .ok_or_else(|| {
                Error::config(format!("{} is not a registered client", quote(client_id)))
            })?;
        match &mut client.keys {
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
        })
    }

    /// RFC 7523 §3: iss = sub = client_id, aud = our issuer or token endpoint,
    /// exp (short), jti; signed by the client's registered keys. The typ must
    /// not be that of another token kind (S16).
    fn check_client_assertion(
        &self,
        client_id: Option<&str>,
        assertion: &str,
        now: f64,
        keys_now: f64,
    ) -> Result<(&Client, (String, f64)), AuthFailure> {
        let bad = |why: &str| refused(format!("client assertion: {why}"), false);
        let jws = parse_compact(assertion, 8192).map_err(|e| bad(e.message()))?;
        let alg =
            jose_header_alg(&jws.header, &self.algorithms, None).map_err(|e| bad(e.message()))?;
        if let Some(Value::String(t)) = jws.header.get("typ")
            && ["oauth-id-jag+jwt", "at+jwt", "dpop+jwt", "id_token+jwt"]
                .iter()
                .any(|k| typ_matches(t, k))
        {
            return Err(bad("typ is that of another token kind"));
        }
        let iss = match jws.payload.get("iss") {
            Some(Value::String(s)) => s.as_str(),
            _ => return Err(bad("iss is missing")),
        };
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
        let kid = header_kid(&jws.header).map_err(|e| bad(e.message()))?;
        let candidates = slot.candidates(alg, kid, keys_now).map_err(|e| {
            match (e.needed_keys(), &client.jwks_uri) {
                // Absent, stale, or a kid the set lacks: the loader fetches and we ask again.
                (Some(n), Some(uri)) => AuthFailure::KeysNeeded {
                    client_id: client.client_id.clone(),
                    jwks_uri: uri.clone(),
                    kid: n.kid.clone(),
                    reason: n.reason,
                },
                _ => bad(e.message()),
            }
        })?;
        verify_with(alg, jws.signing_input, &jws.signature, &candidates)
            .map_err(|e| bad(e.message()))?;
        let c = &jws.payload;
        if c.get("sub").and_then(Value::as_str) != Some(iss) {
            return Err(bad("sub must equal iss (the client_id)"));
        }
        let ours = |a: &str| a == self.issuer || self.token_endpoint.as_deref() == Some(a);
        let aud_ok = match c.get("aud") {
            Some(Value::String(a)) => ours(a),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(ours),
            _ => false,
        };
        if !aud_ok {
            return Err(bad("aud is not this authorization server"));
        }
        let exp = c
            .get("exp")
            .and_then(Value::as_f64)
            .ok_or_else(|| bad("exp is missing"))?;
        let t = self.clock_tolerance;
        if now >= exp + t {
            return Err(bad("expired"));
        }
        if let Some(nbf) = c.get("nbf").and_then(Value::as_f64)
            && nbf > now + t
        {
            return Err(bad("not valid yet"));
        }
        let iat = c.get("iat").and_then(Value::as_f64);
        if iat.is_some_and(|iat| iat > now + t) {
            return Err(bad("issued in the future"));
        }
        if exp - iat.unwrap_or(now) > MAX_ASSERTION_LIFETIME_SEC {
            return Err(bad("lifetime is too long"));
        }
        let jti = match c.get("jti") {
            Some(Value::String(j)) if !j.is_empty() => j,
            _ => return Err(bad("jti is missing")),
        };
        // Namespaced apart from grants: the "issuer" of a client assertion is the client.
        let key = replay_key(&format!("client-assertion:{iss}"), jti);
        Ok((client, (key, exp + t)))
    }
}

#[cfg(all(test, feature = "signing"))]
mod tests {
    use super::*;
    use crate::sign::SigningKey;
    use serde_json::json;

    const AS: &str = "https://as.example.com";

    fn registry(key: &SigningKey) -> ClientRegistry {
        ClientRegistry::new(
            serde_json::from_value(json!({
                "issuer": AS,
                "tokenEndpoint": "https://as.example.com/token",
                "clients": [
                    { "clientId": "basic", "tokenEndpointAuthMethod": "client_secret_basic", "clientSecret": "0123456789abcdef" },
                    { "clientId": "post", "tokenEndpointAuthMethod": "client_secret_post", "clientSecret": "0123456789abcdef", "grantTypes": ["authorization_code"] },
                    { "clientId": "jwt", "tokenEndpointAuthMethod": "private_key_jwt", "jwks": { "keys": [key.public_jwk()] } }
                ]
            }))
            .unwrap(),
        )
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
        let mut endpoint_aud = good.clone();
        endpoint_aud["aud"] = json!("https://as.example.com/token");
        assert!(
            r.authenticate(&creds(assertion(&key, endpoint_aud)), now)
                .is_ok()
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
}
