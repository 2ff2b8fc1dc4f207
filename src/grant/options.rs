//! Verifier options (the JSON/JS contract of design.md) and their validation
//! into a `Config`: trusted issuers, audience, resources, tenants, algorithms.

use crate::error::KeySource;
use crate::error::{Error, quote};
use crate::jose::crypto::Alg;
use crate::jose::jwk::{KeySet, KeySlot};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

pub const DEFAULT_CLOCK_TOLERANCE_SEC: u64 = 60;
pub const DEFAULT_MAX_LIFETIME_SEC: u64 = 300;
pub const DEFAULT_MAX_TOKEN_BYTES: u64 = 16384;
/// Upper bounds that catch unit mistakes (milliseconds given as seconds).
pub const MAX_CLOCK_TOLERANCE_SEC: u64 = 3600;
pub const MAX_MAX_LIFETIME_SEC: u64 = 86400;
pub const MAX_MAX_TOKEN_BYTES: u64 = 1 << 20;
pub const MIN_MAX_TOKEN_BYTES: u64 = 256;

/// One trusted IdP, as configured.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerOptions {
    /// The IdP's issuer identifier, compared exactly with the grant's `iss` (R17).
    pub issuer: String,
    /// Its public keys, inline (a JWK Set).
    #[serde(default)]
    pub jwks: Option<Value>,
    /// Where its keys are fetched (by the host; natively, install them with `Verifier::set_issuer_keys`).
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// This issuer's algorithms (within the verifier's allow-list).
    #[serde(default)]
    pub algorithms: Option<Vec<String>>,
    /// R40: the tenant this issuer's grants must name.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Find `jwks_uri` in the issuer's RFC 8414 / OIDC metadata (fetched by the JS layer).
    #[serde(default)]
    pub discover: Option<bool>,
    /// R55 (-04 §9.5): the `sub_id.issuer` values (SAML issuers) local configuration
    /// associates with this validated `iss`. A `saml-nameid` `sub_id` naming one of them is
    /// trusted (`VerifiedGrant::sub_id_trusted`); `sub_id.issuer` never selects keys or trust.
    #[serde(default)]
    pub sub_id_issuers: Option<Vec<String>>,
    /// R54: the Subject Identifier format this issuer's grants must carry in `sub_id`. Only
    /// `"saml-nameid"`; needs `subIdIssuers`.
    #[serde(default)]
    pub require_sub_id: Option<String>,
}

/// `VerifierOptions` of design.md. Unknown members are refused (a typo must
/// not silently disable a check); members only the JS layer uses are skipped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifierOptions {
    /// R20: this authorization server's issuer identifier, the grant's `aud` exactly.
    pub audience: String,
    /// R17: the trusted IdPs.
    pub issuers: Vec<IssuerOptions>,
    /// R37: the MCP servers (RFC 8707 resources) this authorization server issues tokens for.
    #[serde(default)]
    pub resources: Option<Vec<String>>,
    /// R36: a grant without `resource` is refused when true.
    #[serde(default)]
    pub require_resource: Option<bool>,
    /// R10: the algorithm allow-list (default RS256, PS256, ES256, EdDSA).
    #[serde(default)]
    pub algorithms: Option<Vec<String>>,
    /// R23–R25: clock skew allowed on `exp`, `nbf` and `iat`, seconds (default 60, at most 3600).
    #[serde(default)]
    pub clock_tolerance_sec: Option<u64>,
    /// R26: the longest `exp − iat` accepted, seconds (default 300).
    #[serde(default)]
    pub max_lifetime_sec: Option<u64>,
    /// R6: the longest grant accepted, bytes (default 16384).
    #[serde(default)]
    pub max_token_bytes: Option<u64>,
    /// R29: `single-use` (default) or `reusable`.
    #[serde(default)]
    pub replay: Option<String>,
    /// R36: `authorization_details` is refused unless this is true.
    #[serde(default)]
    pub allow_authorization_details: Option<bool>,
    /// R35: 'strict' (default): a requested scope outside the grant is ERR_SCOPE;
    /// 'intersect': granted = requested ∩ grant, the rest dropped (RFC 6749 §3.3).
    #[serde(default)]
    pub scope_request: Option<String>,
    /// The enterprise policy document (src/grant/policy.rs).
    #[serde(default)]
    pub policy: Option<Value>,
    /// R18a: this authorization server's own tenant (its trust domain within software that
    /// is also an IdP). Only used to allow an issuer equal to `audience` (see `Config`).
    #[serde(default)]
    pub tenant: Option<String>,
    /// -04 §3.1 `aud_tenant`: when set, the grant's `aud_tenant` must be present and equal
    /// (else ERR_TENANT): the IdP's identifier of this authorization server's tenant.
    #[serde(default)]
    pub aud_tenant: Option<String>,
    /// -04 §3.1 `aud_sub`: when set, the grant's `aud_sub` must be present and equal (else
    /// ERR_AUDIENCE): the subject identifier of this resource application at the IdP.
    #[serde(default)]
    pub aud_sub: Option<String>,
    /// JS-layer only (the store object itself never reaches Rust).
    #[serde(default, skip_serializing)]
    pub replay_store: Option<IgnoredAny>,
    /// JS-layer only: the `fetch` used for remote keys.
    #[serde(default, skip_serializing)]
    pub fetch: Option<IgnoredAny>,
    /// JS-layer only: a shared key loader.
    #[serde(default, skip_serializing)]
    pub jwks_cache: Option<IgnoredAny>,
    /// JS-layer only: the token endpoint's audit sink.
    #[serde(default, skip_serializing)]
    pub on_decision: Option<IgnoredAny>,
}

impl VerifierOptions {
    /// Parse options from JSON text (the same document the JS API takes).
    pub fn from_json(text: &str) -> Result<VerifierOptions, Error> {
        // The strict parser (duplicate members refused, depth-bounded), as for the JS API.
        let map = crate::jose::strict_json::parse_object(text.as_bytes())
            .map_err(|e| Error::config(format!("options {}", e.describe())))?;
        Self::from_value(Value::Object(map))
    }

    /// ERR_CONFIG messages name the path: `options.issuers[0].issuer is required`.
    pub fn from_value(value: Value) -> Result<VerifierOptions, Error> {
        Self::from_value_at(&value, "options")
    }

    /// As `from_value`, the paths in messages under `root` (the token endpoint's
    /// `options.grants`).
    pub fn from_value_at(value: &Value, root: &str) -> Result<VerifierOptions, Error> {
        crate::options_de::from_value(value, root, "IdJagVerifier")
    }
}

/// What a second presentation of the same grant gets (JSON: `replay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplayMode {
    /// R29 (EMA): each (iss, jti) accepted once; a second presentation is ERR_REPLAY.
    /// The default. (JSON: `'single-use'`.)
    #[default]
    SingleUse,
    /// JAG §4.4.3: the client may re-present the grant until it expires. (JSON: `'reusable'`.)
    Reusable,
}

impl ReplayMode {
    /// The JSON/JS spelling: `"single-use"` or `"reusable"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayMode::SingleUse => "single-use",
            ReplayMode::Reusable => "reusable",
        }
    }
}

/// R35: what happens to the scopes a token request asks for that the grant does not carry
/// (JSON: `scopeRequest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScopeRequestMode {
    /// A requested scope outside the grant refuses the request with ERR_SCOPE. The default.
    /// (JSON: `'strict'`.)
    #[default]
    Strict,
    /// Granted = requested ∩ grant; the rest is dropped (RFC 6749 §3.3). (JSON: `'intersect'`.)
    Intersect,
}

impl ScopeRequestMode {
    /// The JSON/JS spelling: `"strict"` or `"intersect"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeRequestMode::Strict => "strict",
            ScopeRequestMode::Intersect => "intersect",
        }
    }
}

/// R54: the Subject Identifier format (RFC 9493) an issuer's grants must carry in `sub_id`
/// (JSON: `requireSubId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubIdFormat {
    /// `saml-nameid`, from one of the issuer's associated SAML issuers (`sub_id_issuers`, R55).
    /// (JSON: `'saml-nameid'`.)
    SamlNameId,
}

impl SubIdFormat {
    /// The JSON/JS spelling: `"saml-nameid"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubIdFormat::SamlNameId => crate::grant::claims::SAML_NAMEID,
        }
    }
}

/// What the builder (src/grant/builder.rs) hands `Config::validate` beside the options
/// document it wrote: the values a JSON document cannot carry, already parsed. Empty on the
/// JSON path.
#[derive(Clone, Debug, Default)]
pub(crate) struct Carried {
    /// Per issuer, in order: its parsed key set (`TrustedIssuer::keys`), a key source like
    /// `jwks`.
    pub issuer_keys: Vec<Option<KeySet>>,
    pub policy: Option<crate::grant::policy::GrantPolicy>,
}

#[derive(Clone)]
pub struct IssuerConfig {
    pub issuer: String,
    /// Inline `jwks`, or a remote slot (`jwksUri` / `discover`) the JS loader fills.
    pub keys: KeySlot,
    /// Effective allow-list for this issuer (already intersected with the global one).
    pub algorithms: Vec<Alg>,
    pub tenant: Option<String>,
    /// R55: SAML issuers associated with this `iss` for `sub_id` (empty: none).
    pub sub_id_issuers: Vec<String>,
    /// R54: a `saml-nameid` `sub_id` from an associated SAML issuer is required.
    pub require_sub_id: bool,
}

/// Validated configuration.
#[derive(Clone)]
pub struct Config {
    pub audience: String,
    pub issuers: Vec<IssuerConfig>,
    pub resources: Vec<String>,
    pub require_resource: bool,
    pub algorithms: Vec<Alg>,
    pub clock_tolerance: f64,
    pub max_lifetime: f64,
    pub max_token_bytes: usize,
    pub replay: ReplayMode,
    pub allow_authorization_details: bool,
    pub policy: Option<crate::grant::policy::GrantPolicy>,
    /// R35: true = granted = requested ∩ grant; false = a requested scope outside the grant is refused.
    pub intersect_requested_scopes: bool,
    /// R18a: this authorization server's own tenant.
    pub tenant: Option<String>,
    /// The required `aud_tenant` / `aud_sub` values, when configured.
    pub aud_tenant: Option<String>,
    pub aud_sub: Option<String>,
}

fn parse_algs(list: &[String], at: &str) -> Result<Vec<Alg>, Error> {
    // R10: none and HMAC are not representable; say so plainly.
    crate::jose::jwt::parse_alg_list(list, Some(&format!("{at} must not be empty")), &|name| {
        format!(
            "{at}: {name} is not an accepted algorithm (use RS256/384/512, PS256/384/512, ES256, ES384, EdDSA or Ed25519)"
        )
    })
}

fn bounded(value: Option<u64>, default: u64, min: u64, max: u64, name: &str) -> Result<u64, Error> {
    let v = value.unwrap_or(default);
    if v < min || v > max {
        return Err(Error::config(format!(
            "{name} must be between {min} and {max}"
        )));
    }
    Ok(v)
}

impl Config {
    /// The JSON path.
    pub fn from_options(o: VerifierOptions) -> Result<Config, Error> {
        Config::validate(o, Carried::default())
    }

    /// Every check of a verifier configuration, for the JSON document and the builder alike
    /// (the builder writes the document a JSON user would, plus `carried`): one function, so
    /// the two cannot drift apart, and the same ERR_CONFIG messages in the same order.
    pub(crate) fn validate(o: VerifierOptions, mut carried: Carried) -> Result<Config, Error> {
        if o.audience.is_empty() {
            return Err(Error::config(
                "audience must be this authorization server's issuer identifier",
            ));
        }
        let algorithms = match &o.algorithms {
            Some(list) => parse_algs(list, "algorithms")?,
            None => Alg::DEFAULT_ALLOWED.to_vec(),
        };
        if o.issuers.is_empty() {
            return Err(Error::config(
                "issuers must list at least one trusted issuer",
            ));
        }
        for (name, value) in [
            ("tenant", &o.tenant),
            ("audTenant", &o.aud_tenant),
            ("audSub", &o.aud_sub),
        ] {
            if value.as_deref() == Some("") {
                return Err(Error::config(format!("{name} must not be empty")));
            }
        }
        let several = o.issuers.len() > 1;
        let mut issuers: Vec<IssuerConfig> = Vec::with_capacity(o.issuers.len());
        for (i, io) in o.issuers.into_iter().enumerate() {
            let at = format!("issuers[{i}]");
            if io.issuer.is_empty() {
                return Err(Error::config(format!("{at}.issuer must not be empty")));
            }
            // Access-token subjects are `<iss>#<sub>` when several issuers are trusted
            // (src/server/access_token.rs): the first `#` must split them unambiguously. RFC 8414
            // §2 issuers have no fragment anyway.
            if several && io.issuer.contains('#') {
                return Err(Error::config(format!(
                    "{at}.issuer must not contain '#' when several issuers are trusted"
                )));
            }
            // R18/R18a: never trust our own grants in the same trust domain. Our own issuer
            // is allowed only across a tenant boundary: the issuer pins a `tenant` and it
            // differs from this server's own `tenant`. Anything else fails closed.
            if io.issuer == o.audience {
                let crosses =
                    matches!((&io.tenant, &o.tenant), (Some(theirs), Some(ours)) if theirs != ours);
                if !crosses {
                    return Err(Error::config(format!(
                        "{at}.issuer is this server's own issuer: allowed only with a tenant that differs from the verifier's own tenant (R18a)"
                    )));
                }
            }
            if issuers.iter().any(|c| c.issuer == io.issuer) {
                return Err(Error::config(format!("{at}.issuer is listed twice")));
            }
            let keys = match &io.jwks {
                Some(jwks) => Some(KeySet::parse(jwks, &format!("{at}.jwks"))?),
                None => None,
            };
            let carried_keys = carried.issuer_keys.get_mut(i).and_then(Option::take);
            let discover = io.discover.unwrap_or(false);
            let sources = usize::from(keys.is_some())
                + usize::from(carried_keys.is_some())
                + usize::from(io.jwks_uri.is_some())
                + usize::from(discover);
            if sources != 1 {
                return Err(Error::config(format!(
                    "{at} needs exactly one of jwks, jwksUri or discover: true"
                )));
            }
            let issuer_algs = match &io.algorithms {
                Some(list) => {
                    let own = parse_algs(list, &format!("{at}.algorithms"))?;
                    if let Some(outside) = own.iter().find(|a| !algorithms.contains(a)) {
                        return Err(Error::config(format!(
                            "{at}.algorithms: {} is not in the global algorithms",
                            outside.name()
                        )));
                    }
                    own
                }
                None => algorithms.clone(),
            };
            if let Some(t) = &io.tenant
                && t.is_empty()
            {
                return Err(Error::config(format!("{at}.tenant must not be empty")));
            }
            let sub_id_issuers = io.sub_id_issuers.unwrap_or_default();
            if sub_id_issuers.iter().any(String::is_empty) {
                return Err(Error::config(format!(
                    "{at}.subIdIssuers must not hold an empty string"
                )));
            }
            let require_sub_id = match io.require_sub_id.as_deref() {
                None => false,
                Some(crate::grant::claims::SAML_NAMEID) if !sub_id_issuers.is_empty() => true,
                Some(crate::grant::claims::SAML_NAMEID) => {
                    return Err(Error::config(format!(
                        "{at}.requireSubId needs subIdIssuers (the saml issuers associated with this issuer, R55)"
                    )));
                }
                Some(other) => {
                    return Err(Error::config(format!(
                        "{at}.requireSubId must be 'saml-nameid', not {}",
                        quote(other)
                    )));
                }
            };
            let keys = match keys.or(carried_keys) {
                Some(set) => KeySlot::inline(KeySource::Issuer, &io.issuer, set),
                None => KeySlot::remote(KeySource::Issuer, &io.issuer),
            };
            issuers.push(IssuerConfig {
                issuer: io.issuer,
                keys,
                algorithms: issuer_algs,
                tenant: io.tenant,
                sub_id_issuers,
                require_sub_id,
            });
        }
        let resources = o.resources.unwrap_or_default();
        for (i, r) in resources.iter().enumerate() {
            if !crate::grant::claims::is_resource_uri(r) {
                return Err(Error::config(format!(
                    "resources[{i}] must be an absolute uri without a fragment"
                )));
            }
        }
        let require_resource = o.require_resource.unwrap_or(true);
        // R33: requiring a resource with nothing registered would refuse every grant.
        if require_resource && resources.is_empty() {
            return Err(Error::config(
                "resources must list the registered mcp server resources (or set requireResource: false)",
            ));
        }
        let replay = match o.replay.as_deref() {
            None | Some("single-use") => ReplayMode::SingleUse,
            Some("reusable") => ReplayMode::Reusable,
            Some(other) => {
                return Err(Error::config(format!(
                    "replay must be 'single-use' or 'reusable', not {}",
                    quote(other)
                )));
            }
        };
        let policy = match carried.policy {
            Some(policy) => Some(policy),
            None => o
                .policy
                .as_ref()
                .map(crate::grant::policy::GrantPolicy::from_value)
                .transpose()?,
        };
        let intersect_requested_scopes = match o.scope_request.as_deref() {
            None | Some("strict") => false,
            Some("intersect") => true,
            Some(other) => {
                return Err(Error::config(format!(
                    "scopeRequest must be 'strict' or 'intersect', not {}",
                    quote(other)
                )));
            }
        };
        Ok(Config {
            policy,
            intersect_requested_scopes,
            tenant: o.tenant,
            aud_tenant: o.aud_tenant,
            aud_sub: o.aud_sub,
            audience: o.audience,
            issuers,
            resources,
            require_resource,
            algorithms,
            clock_tolerance: bounded(
                o.clock_tolerance_sec,
                DEFAULT_CLOCK_TOLERANCE_SEC,
                0,
                MAX_CLOCK_TOLERANCE_SEC,
                "clockToleranceSec",
            )? as f64,
            max_lifetime: bounded(
                o.max_lifetime_sec,
                DEFAULT_MAX_LIFETIME_SEC,
                1,
                MAX_MAX_LIFETIME_SEC,
                "maxLifetimeSec",
            )? as f64,
            max_token_bytes: bounded(
                o.max_token_bytes,
                DEFAULT_MAX_TOKEN_BYTES,
                MIN_MAX_TOKEN_BYTES,
                MAX_MAX_TOKEN_BYTES,
                "maxTokenBytes",
            )? as usize,
            replay,
            allow_authorization_details: o.allow_authorization_details.unwrap_or(false),
        })
    }

    /// R17: exact code-point comparison, no normalisation.
    pub fn issuer(&self, iss: &str) -> Option<&IssuerConfig> {
        self.issuers.iter().find(|i| i.issuer == iss)
    }

    /// More than one issuer is trusted: access-token subjects must then be qualified by
    /// the issuer (`MintRequest::qualify_subject`) so two IdPs' `sub`s cannot collide.
    #[cfg(feature = "signing")]
    pub fn trusts_several_issuers(&self) -> bool {
        self.issuers.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    fn ok_jwks() -> Value {
        json!({"keys":[{"kty":"EC","crv":"P-256","kid":"ec1",
            "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})
    }

    fn opts(v: Value) -> Result<Config, Error> {
        VerifierOptions::from_value(v).and_then(Config::from_options)
    }

    fn base() -> Value {
        json!({"audience":"https://as","issuers":[{"issuer":"https://idp","jwks":ok_jwks()}],"resources":["https://mcp/mcp"]})
    }

    #[test]
    fn defaults() {
        let c = opts(base()).unwrap();
        assert_eq!(c.clock_tolerance, 60.0);
        assert_eq!(c.max_lifetime, 300.0);
        assert_eq!(c.max_token_bytes, 16384);
        assert_eq!(c.replay, ReplayMode::SingleUse);
        assert!(c.require_resource);
        assert_eq!(c.algorithms, Alg::DEFAULT_ALLOWED.to_vec());
    }

    #[test]
    fn config_errors() {
        let cases: Vec<(&str, Value)> = vec![
            ("audience", json!("")),
            ("issuers", json!([])),
            ("algorithms", json!(["none"])),
            ("algorithms", json!(["HS256"])),
            ("algorithms", json!([])),
            ("replay", json!("sometimes")),
            ("clockToleranceSec", json!(-1)),
            ("clockToleranceSec", json!(60000)),
            ("resources", json!(["not a uri"])),
            ("resources", json!([])),
            ("requireResourcee", json!(true)),
        ];
        for (k, v) in cases {
            let mut o = base();
            o[k] = v.clone();
            assert_eq!(
                opts(o).err().map(|e| e.code()),
                Some(ErrorCode::Config),
                "{k}={v}"
            );
        }
        let mut o = base();
        o["issuers"][0]["issuer"] = json!("https://as");
        assert!(opts(o).is_err(), "issuer equal to audience");
        let mut o = base();
        o["issuers"][0]["algorithms"] = json!(["RS512"]);
        assert!(opts(o).is_err(), "issuer alg outside the global list");
        let mut o = base();
        o["issuers"][0].as_object_mut().unwrap().remove("jwks");
        assert!(opts(o).is_err(), "no keys");
        let mut o = base();
        o["issuers"][0]["jwks"]["keys"][0]["d"] = json!("AAAA");
        assert!(opts(o).is_err(), "private key");
    }

    // R18a: our own issuer only across a tenant boundary.
    #[test]
    fn r18a_own_issuer_only_with_a_different_tenant() {
        let own = |issuer_tenant: Option<&str>, own_tenant: Option<&str>| {
            let mut o = base();
            o["issuers"][0]["issuer"] = json!("https://as");
            if let Some(t) = issuer_tenant {
                o["issuers"][0]["tenant"] = json!(t);
            }
            if let Some(t) = own_tenant {
                o["tenant"] = json!(t);
            }
            opts(o).err().map(|e| e.code())
        };
        assert_eq!(own(None, None), Some(ErrorCode::Config));
        assert_eq!(own(Some("t1"), None), Some(ErrorCode::Config));
        assert_eq!(own(None, Some("t1")), Some(ErrorCode::Config));
        assert_eq!(own(Some("t1"), Some("t1")), Some(ErrorCode::Config));
        assert_eq!(own(Some("customer-a"), Some("provider")), None);
    }

    #[test]
    fn several_issuers_refuse_a_hash_in_an_issuer() {
        let mut o = base();
        o["issuers"][0]["issuer"] = json!("https://idp#x");
        assert!(opts(o.clone()).is_ok(), "one issuer: no qualified subjects");
        o["issuers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"issuer":"https://idp2","jwks":ok_jwks()}));
        assert_eq!(opts(o).err().map(|e| e.code()), Some(ErrorCode::Config));
    }

    // R54/R55 options.
    #[test]
    fn sub_id_options() {
        let with = |v: Value| {
            let mut o = base();
            for (k, x) in v.as_object().unwrap() {
                o["issuers"][0][k] = x.clone();
            }
            opts(o)
        };
        assert!(with(json!({"requireSubId":"saml-nameid"})).is_err());
        assert!(
            with(json!({"requireSubId":"saml_nameid","subIdIssuers":["https://saml"]})).is_err()
        );
        assert!(with(json!({"subIdIssuers":[""]})).is_err());
        let c =
            with(json!({"requireSubId":"saml-nameid","subIdIssuers":["https://saml"]})).unwrap();
        assert!(c.issuers[0].require_sub_id);
        assert_eq!(c.issuers[0].sub_id_issuers, vec!["https://saml"]);
        let mut o = base();
        o["audTenant"] = json!("");
        assert!(opts(o).is_err());
    }

    #[test]
    fn require_resource_false_allows_no_registry_and_js_fields_are_ignored() {
        let mut o = base();
        o.as_object_mut().unwrap().remove("resources");
        o["requireResource"] = json!(false);
        o["replayStore"] = json!({});
        assert!(opts(o).is_ok());
    }
}
