//! The ordered ID-JAG verification pipeline (rules.md §3; order in docs/internals.md).
//!
//! `Verifier::check` runs every check except replay and returns a
//! `VerifiedGrant`; `Verifier::verify` also consumes (iss, jti) in the
//! built-in store — only after everything else passed (R29).

use crate::error::{Error, ErrorCode, quote};
use crate::grant::builder::VerifierBuilder;
use crate::grant::claims::{IdJagClaims, parse_scope};
use crate::grant::options::IssuerConfig;
use crate::grant::options::{Config, ReplayMode, VerifierOptions};
use crate::grant::policy::{DroppedScope, PolicyInput};
use crate::grant::replay::{MemoryReplayStore, ReplayOutcome, ReplayStore, replay_key};
use crate::jose::crypto::Alg;
use crate::jose::jwk::KeySet;
use crate::jose::jwt::{JwsRules, TimeClaims, TimeLimits, Times, TypRule, verify_signed};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Mutex;

/// The ID-JAG media type (JAG §3.1, §9.1).
pub const ID_JAG_TYP: &str = "oauth-id-jag+jwt";

/// The request-side facts the grant is checked against.
///
/// There is deliberately no `Default`: the core never reads a clock, and a context whose `now`
/// silently defaulted to 0 (1970) would judge every time claim against the wrong instant.
/// Build one with [`VerifyContext::new`] (or a struct literal naming every field).
#[derive(Debug, Clone)]
pub struct VerifyContext<'a> {
    /// The client authenticated at the token endpoint (R21).
    pub client_id: &'a str,
    /// Seconds since the epoch: the core never reads a clock.
    pub now: f64,
    /// The token request's `scope` parameter (R35).
    pub scope: Option<&'a str>,
    /// The token request's RFC 8707 `resource` parameter (R38).
    pub resource: Option<&'a str>,
    /// The key loader's clock (seconds since the epoch), against which remote keys'
    /// freshness is judged (the loader set it on that clock); `None`: `now`.
    pub keys_now: Option<f64>,
}

impl<'a> VerifyContext<'a> {
    /// The context of one token request: the client authenticated at the token endpoint and the
    /// current time in seconds since the epoch (no default: the caller owns the clock).
    pub fn new(client_id: &'a str, now: f64) -> Self {
        VerifyContext {
            client_id,
            now,
            scope: None,
            resource: None,
            keys_now: None,
        }
    }

    /// The token request's `scope` parameter (R35).
    pub fn with_scope(mut self, scope: &'a str) -> Self {
        self.scope = Some(scope);
        self
    }

    /// The token request's RFC 8707 `resource` parameter (R38).
    pub fn with_resource(mut self, resource: &'a str) -> Self {
        self.resource = Some(resource);
        self
    }

    /// The key loader's clock, when remote keys' freshness is judged on another clock than `now`.
    pub fn with_keys_now(mut self, keys_now: f64) -> Self {
        self.keys_now = Some(keys_now);
        self
    }
}

/// A grant that passed every check. Only the verifier constructs it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedGrant {
    /// The grant's `iss`: a trusted IdP.
    pub issuer: String,
    /// The grant's `sub`: the user at that IdP.
    pub subject: String,
    /// The grant's `client_id`: the authenticated client (R21).
    pub client_id: String,
    /// This authorization server (the grant's `aud`).
    pub audience: String,
    /// The resources granted (R36–R38).
    pub resources: Vec<String>,
    /// The scopes granted (R33–R35, then the policy).
    pub scopes: Vec<String>,
    /// The grant's scopes that were not granted, with the rule that dropped each.
    pub dropped_scopes: Vec<DroppedScope>,
    /// The grant's `jti`.
    pub jti: String,
    /// The `exp` claim, seconds since the epoch.
    pub expires_at: f64,
    /// The grant's `tenant`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// R51/R52: the grant's `sub_id` (RFC 9493 Subject Identifier), type-checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_id: Option<Value>,
    /// R55: true only for a `saml-nameid` `sub_id` whose `issuer` local configuration
    /// associates with the validated `iss` (`subIdIssuers`). Otherwise the `sub_id` is
    /// informative and must not be used to resolve the subject.
    pub sub_id_trusted: bool,
    /// The verified JOSE header.
    pub header: Map<String, Value>,
    /// Every verified claim, as sent (R30: unknown claims kept, never interpreted).
    pub claims: Map<String, Value>,
    /// Opaque key for the replay store, derived from (iss, jti).
    pub replay_key: String,
    /// Keep the replay key until then (exp + clock tolerance), seconds.
    pub replay_until: f64,
}

/// The ID-JAG verifier of an authorization server: the trusted issuers and their keys, the rules,
/// and the single-use store. Build it once ([`Verifier::builder`] or [`Verifier::new`] from the
/// JSON options) and share it (`Send + Sync`; keys rotate through `&self`).
pub struct Verifier {
    config: Config,
    replay_store: Mutex<MemoryReplayStore>,
}

impl Verifier {
    /// A verifier from the JSON options document of the JS contract
    /// ([`VerifierOptions::from_value`]). Natively, [`Verifier::builder`] takes typed values.
    /// ERR_CONFIG when the options are inconsistent.
    pub fn new(options: VerifierOptions) -> Result<Verifier, Error> {
        Config::from_options(options).map(Verifier::from_config)
    }

    /// Configure a verifier with typed values, for the authorization server whose issuer
    /// identifier is `audience`; see [`VerifierBuilder`] for an example.
    pub fn builder(audience: impl Into<String>) -> VerifierBuilder {
        VerifierBuilder::new(audience)
    }

    pub(crate) fn from_config(config: Config) -> Verifier {
        Verifier {
            config,
            replay_store: Mutex::new(MemoryReplayStore::default()),
        }
    }

    /// Replace an issuer's keys with a JWK Set document (e.g. after the JS layer fetched its
    /// `jwksUri`); usable until replaced. Takes `&self`: see [`Verifier::set_issuer_keys`].
    pub fn set_issuer_jwks(&self, issuer: &str, jwks: &Value) -> Result<(), Error> {
        self.set_issuer_keys(issuer, KeySet::parse(jwks, "jwks")?, None)
    }

    /// Install an issuer's parsed keys, usable until `fresh_until` (seconds since the
    /// epoch; `None`: until replaced). Past it, `check` answers `KeysNeeded` (Expired).
    ///
    /// Takes `&self`: a verifier shared in an `Arc` rotates keys while other threads verify,
    /// with no lock of the caller's. A verification in flight finishes with the set it
    /// started with; every later one sees the new set. ERR_CONFIG when `issuer` is not a
    /// configured issuer.
    pub fn set_issuer_keys(
        &self,
        issuer: &str,
        keys: KeySet,
        fresh_until: Option<f64>,
    ) -> Result<(), Error> {
        let entry = self
            .config
            .issuers
            .iter()
            .find(|i| i.issuer == issuer)
            .ok_or_else(|| {
                Error::config(format!("{} is not a configured issuer", quote(issuer)))
            })?;
        entry.keys.install(keys, fresh_until);
        Ok(())
    }

    #[cfg(any(feature = "signing", target_arch = "wasm32"))]
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Whether grants are single-use (R29) or reusable until they expire.
    pub fn replay_mode(&self) -> ReplayMode {
        self.config.replay
    }

    /// Every check, then (single-use mode) consume (iss, jti) in the built-in store.
    pub fn verify(&self, token: &str, ctx: &VerifyContext) -> Result<VerifiedGrant, Error> {
        let grant = self.check(token, ctx)?;
        self.consume(&grant, ctx.now)?;
        Ok(grant)
    }

    /// R29: consume a checked grant's (iss, jti) in the built-in store (single-use mode;
    /// a no-op when reusable). For hosts that run a check of their own between `check` and
    /// the consumption, such as `ClientRegistry::check_grant_issuer`, so that a refused
    /// presentation does not burn the grant. The store purges by `now` capped by the wall
    /// clock natively (issue 11 point 4, `replay::purge_time`).
    pub fn consume(&self, grant: &VerifiedGrant, now: f64) -> Result<(), Error> {
        if self.config.replay == ReplayMode::SingleUse {
            let mut store = self.replay_store.lock().unwrap_or_else(|p| p.into_inner());
            match store.consume(&grant.replay_key, grant.replay_until, now) {
                ReplayOutcome::Fresh => {}
                ReplayOutcome::Replayed => return Err(replayed()),
                ReplayOutcome::Full => return Err(store_full()),
            }
        }
        Ok(())
    }

    /// Every check except replay (the caller consumes `replay_key` in its own store).
    pub fn check(&self, token: &str, ctx: &VerifyContext) -> Result<VerifiedGrant, Error> {
        self.check_traced(token, ctx, &mut Vec::new())
    }

    /// `check`, recording the name of each check as it starts (see `CHECKS`), so an
    /// audit event can list the checks run, the last one being the one that failed.
    pub fn check_traced(
        &self,
        token: &str,
        ctx: &VerifyContext,
        trace: &mut Vec<&'static str>,
    ) -> Result<VerifiedGrant, Error> {
        let cfg = &self.config;
        let rules = JwsRules {
            max_bytes: cfg.max_token_bytes,
            algorithms: &cfg.algorithms,
            typ: TypRule::Required(ID_JAG_TYP),
        };
        let mut trusted = None;
        // R17/R18: `iss` from the unverified payload, only to pick keys.
        let pick_keys = |payload: &Map<String, Value>, alg: Alg| {
            let issuer = self.trusted_issuer(payload, alg)?;
            trusted = Some(issuer);
            Ok((&issuer.keys, ctx.keys_now.unwrap_or(ctx.now)))
        };
        let jws = verify_signed(token, &rules, pick_keys, |e| e, &mut |c| trace.push(c))?;
        let issuer = trusted.ok_or_else(|| Error::new(ErrorCode::Internal, "no issuer chosen"))?;
        // R31: from here on, only the verified payload.
        trace.push("claims");
        let claims = IdJagClaims::from_payload(&jws.payload)?;
        self.check_claims(&claims, ctx, issuer.tenant.as_deref(), trace)?;
        // R54/R55: only now that iss, signature, audience, expiry and client binding passed.
        trace.push("subject");
        let sub_id_trusted = subject_identifier(&claims, issuer)?;
        trace.push("resource");
        let resources = self.granted_resources(&claims, ctx)?;
        trace.push("scope");
        let (requested_scopes, mut dropped) =
            granted_scopes(&claims, ctx, cfg.intersect_requested_scopes)?;
        let scopes = match &cfg.policy {
            None => requested_scopes,
            Some(policy) => {
                trace.push("policy");
                let decision = policy.decide(&PolicyInput {
                    issuer: &claims.iss,
                    client_id: &claims.client_id,
                    subject: &claims.sub,
                    claims: &jws.payload,
                    resources: &resources,
                    scopes: &requested_scopes,
                    scopes_requested: !cfg.intersect_requested_scopes
                        && ctx.scope.is_some_and(|s| !s.is_empty()),
                })?;
                dropped.extend(decision.dropped);
                decision.scopes
            }
        };
        let replay_until = claims.exp + cfg.clock_tolerance;
        Ok(VerifiedGrant {
            issuer: claims.iss.clone(),
            subject: claims.sub.clone(),
            client_id: claims.client_id.clone(),
            audience: cfg.audience.clone(),
            resources,
            scopes,
            dropped_scopes: dropped,
            replay_key: replay_key(&claims.iss, &claims.jti),
            jti: claims.jti,
            expires_at: claims.exp,
            tenant: claims.tenant,
            sub_id: claims.sub_id.map(Value::Object),
            sub_id_trusted,
            header: jws.header,
            claims: jws.payload,
            replay_until,
        })
    }

    /// R17/R18/R18a: the trusted issuer whose keys verify this grant, chosen by the unverified
    /// `iss` (used for nothing else before the signature verifies), and R10 per issuer: its
    /// own algorithm list.
    fn trusted_issuer(
        &self,
        payload: &Map<String, Value>,
        alg: Alg,
    ) -> Result<&IssuerConfig, Error> {
        let cfg = &self.config;
        let iss = match payload.get("iss") {
            Some(Value::String(s)) => s.as_str(),
            Some(_) => {
                return Err(Error::claim(
                    ErrorCode::Issuer,
                    "iss",
                    "iss must be a string",
                ));
            }
            None => return Err(Error::claim(ErrorCode::Issuer, "iss", "iss is missing")),
        };
        // R18/R18a: our own grants only across a tenant boundary: the configuration admits
        // our own issuer only with a pinned tenant other than ours, and R40 below makes the
        // grant's `tenant` equal that pin. Checked again here so the rule fails closed.
        if iss == cfg.audience {
            let crosses = cfg.issuer(iss).is_some_and(|i| {
                matches!((&i.tenant, &cfg.tenant), (Some(theirs), Some(ours)) if theirs != ours)
            });
            if !crosses {
                return Err(Error::claim(
                    ErrorCode::Issuer,
                    "iss",
                    "grant was issued by this server itself",
                ));
            }
        }
        let issuer = cfg.issuer(iss).ok_or_else(|| {
            Error::claim(
                ErrorCode::Issuer,
                "iss",
                format!("issuer {} is not trusted", quote(iss)),
            )
        })?;
        if !issuer.algorithms.contains(&alg) {
            return Err(Error::claim(
                ErrorCode::Alg,
                "alg",
                format!("{} is not accepted for this issuer", alg.name()),
            ));
        }
        Ok(issuer)
    }

    fn check_claims(
        &self,
        c: &IdJagClaims,
        ctx: &VerifyContext,
        pinned_tenant: Option<&str>,
        trace: &mut Vec<&'static str>,
    ) -> Result<(), Error> {
        let cfg = &self.config;
        trace.push("audience");
        // R20: exactly our issuer; an array must have exactly one element.
        if c.aud.only() != Some(cfg.audience.as_str()) {
            let msg = match c.aud.values.as_slice() {
                [] | [_] => format!(
                    "aud {} is not this server",
                    quote(c.aud.values.first().map_or("", String::as_str))
                ),
                _ => "aud must name only this server".to_owned(),
            };
            return Err(Error::claim(ErrorCode::Audience, "aud", msg));
        }
        // -04 §3.1 `aud_sub`: the resource application's subject at the IdP. It narrows the
        // audience, so a mismatch is ERR_AUDIENCE (claim aud_sub); checked only when configured.
        if let Some(expected) = &cfg.aud_sub {
            match c.aud_sub.as_deref() {
                Some(v) if v == expected => {}
                Some(_) => {
                    return Err(Error::claim(
                        ErrorCode::Audience,
                        "aud_sub",
                        "aud_sub is not this resource application",
                    ));
                }
                None => {
                    return Err(Error::claim(
                        ErrorCode::Audience,
                        "aud_sub",
                        "aud_sub is missing",
                    ));
                }
            }
        }
        // R21: bound to the authenticated client.
        trace.push("client");
        if c.client_id != ctx.client_id {
            return Err(Error::claim(
                ErrorCode::Client,
                "client_id",
                "client_id is not the authenticated client",
            ));
        }
        // R23–R27 (the claims' types were checked by `IdJagClaims`).
        trace.push("time");
        let times = TimeClaims::known(Times {
            exp: c.exp,
            iat: Some(c.iat),
            nbf: c.nbf,
        });
        crate::jose::jwt::check_times(
            &times,
            ctx.now,
            &TimeLimits::grant(cfg.clock_tolerance, cfg.max_lifetime),
        )
        .map_err(|f| f.error("grant", cfg.max_lifetime))?;
        // R40: the issuer's pinned tenant.
        trace.push("tenant");
        if let Some(expected) = pinned_tenant {
            match c.tenant.as_deref() {
                Some(t) if t == expected => {}
                Some(_) => {
                    return Err(Error::claim(
                        ErrorCode::Tenant,
                        "tenant",
                        "tenant is not the expected tenant",
                    ));
                }
                None => {
                    return Err(Error::claim(
                        ErrorCode::Tenant,
                        "tenant",
                        "tenant is missing",
                    ));
                }
            }
        }
        // -04 §3.1 `aud_tenant`: this server's tenant at the IdP; when configured it must be
        // present and equal, ERR_TENANT (claim aud_tenant) like the issuer's tenant (R40).
        if let Some(expected) = &cfg.aud_tenant {
            match c.aud_tenant.as_deref() {
                Some(v) if v == expected => {}
                Some(_) => {
                    return Err(Error::claim(
                        ErrorCode::Tenant,
                        "aud_tenant",
                        "aud_tenant is not this server's tenant",
                    ));
                }
                None => {
                    return Err(Error::claim(
                        ErrorCode::Tenant,
                        "aud_tenant",
                        "aud_tenant is missing",
                    ));
                }
            }
        }
        // R42: proof of possession is not implemented, so a bound grant fails closed.
        trace.push("unsupported");
        if c.has_cnf {
            return Err(Error::claim(
                ErrorCode::Unsupported,
                "cnf",
                "key-bound grants (cnf) are not supported",
            ));
        }
        // R36: authorization_details only when enabled.
        if c.authorization_details.is_some() && !cfg.allow_authorization_details {
            return Err(Error::claim(
                ErrorCode::Unsupported,
                "authorization_details",
                "authorization_details is not enabled",
            ));
        }
        Ok(())
    }

    fn granted_resources(
        &self,
        c: &IdJagClaims,
        ctx: &VerifyContext,
    ) -> Result<Vec<String>, Error> {
        let cfg = &self.config;
        let list = match &c.resource {
            // R33
            None if cfg.require_resource => {
                return Err(Error::claim(
                    ErrorCode::Resource,
                    "resource",
                    "resource is required",
                ));
            }
            None => Vec::new(),
            Some(list) => list.clone(),
        };
        // R32: every value must be a registered MCP server.
        if !cfg.resources.is_empty()
            && let Some(unknown) = list.iter().find(|r| !cfg.resources.contains(r))
        {
            return Err(Error::claim(
                ErrorCode::Resource,
                "resource",
                format!("resource {} is not registered", quote(unknown)),
            ));
        }
        // R38: a requested resource must be within the grant's.
        match ctx.resource {
            Some(requested) if list.iter().any(|r| r == requested) => {
                Ok(vec![requested.to_owned()])
            }
            Some(requested) => Err(Error::claim(
                ErrorCode::Resource,
                "resource",
                format!(
                    "requested resource {} is not in the grant",
                    quote(requested)
                ),
            )),
            None => Ok(list),
        }
    }
}

/// R54/R55: the `sub_id` rules for the validated issuer. Returns whether the `sub_id` is
/// trusted (a `saml-nameid` from a SAML issuer configured for this `iss`). With
/// `requireSubId`, anything else is ERR_CLAIM (claim `sub_id`; `invalid_grant`, as -04 §3.2.2
/// asks), one message per case. `sub_id.issuer` is only compared, never used to pick keys.
fn subject_identifier(
    c: &IdJagClaims,
    issuer: &crate::grant::options::IssuerConfig,
) -> Result<bool, Error> {
    let refuse = |msg: &str| Err(Error::claim(ErrorCode::Claim, "sub_id", msg));
    let Some(sub_id) = &c.sub_id else {
        return if issuer.require_sub_id {
            refuse("sub_id is required (saml-nameid) and missing")
        } else {
            Ok(false)
        };
    };
    // The shape was checked by IdJagClaims (R51/R52).
    let format = sub_id.get("format").and_then(Value::as_str).unwrap_or("");
    if format != crate::grant::claims::SAML_NAMEID {
        return if issuer.require_sub_id {
            refuse(&format!(
                "sub_id format {} is not saml-nameid",
                quote(format)
            ))
        } else {
            Ok(false)
        };
    }
    let associated = sub_id
        .get("issuer")
        .and_then(Value::as_str)
        .is_some_and(|saml| issuer.sub_id_issuers.iter().any(|s| s == saml));
    if !associated && issuer.require_sub_id {
        return refuse("sub_id issuer is not associated with this issuer");
    }
    Ok(associated)
}

/// R34/R35: scopes only narrow: granted = grant ∩ requested. The grant's scopes
/// the client did not ask for are reported as dropped by R35.
fn granted_scopes(
    c: &IdJagClaims,
    ctx: &VerifyContext,
    intersect: bool,
) -> Result<(Vec<String>, Vec<DroppedScope>), Error> {
    let grant = c.scope.clone().unwrap_or_default();
    match ctx.scope.filter(|s| !s.is_empty()) {
        None => Ok((grant, Vec::new())),
        Some(requested) => {
            let requested = parse_scope(requested).ok_or_else(|| {
                Error::claim(
                    ErrorCode::Scope,
                    "scope",
                    "requested scope is not a valid scope string",
                )
            })?;
            if intersect {
                let granted: Vec<String> = requested
                    .iter()
                    .filter(|r| grant.contains(r))
                    .cloned()
                    .collect();
                if granted.is_empty() {
                    return Err(Error::claim(
                        ErrorCode::Scope,
                        "scope",
                        "no requested scope is in the grant",
                    ));
                }
                let dropped = grant
                    .into_iter()
                    .filter(|g| !granted.contains(g))
                    .map(|scope| DroppedScope {
                        scope,
                        rule: "R35".to_owned(),
                    })
                    .collect();
                return Ok((granted, dropped));
            }
            if let Some(outside) = requested.iter().find(|r| !grant.contains(r)) {
                return Err(Error::claim(
                    ErrorCode::Scope,
                    "scope",
                    format!("requested scope {} is not in the grant", quote(outside)),
                ));
            }
            let dropped = grant
                .into_iter()
                .filter(|g| !requested.contains(g))
                .map(|scope| DroppedScope {
                    scope,
                    rule: "R35".to_owned(),
                })
                .collect();
            Ok((requested, dropped))
        }
    }
}

/// The names `check_traced` records, in pipeline order (docs/internals.md);
/// the token endpoint adds `request` and `client_auth` before and `replay` after.
#[cfg(all(test, feature = "signing"))]
pub(crate) const CHECKS: [&str; 18] = [
    "structure",
    "header",
    "typ",
    "alg",
    "issuer",
    "key",
    "signature",
    "claims",
    "audience",
    "client",
    "time",
    "tenant",
    "unsupported",
    "subject",
    "resource",
    "scope",
    "policy",
    "replay",
];

fn replayed() -> Error {
    Error::claim(ErrorCode::Replay, "jti", "grant was already used")
}

fn store_full() -> Error {
    Error::claim(ErrorCode::Replay, "jti", "replay store is full")
}

#[cfg(all(test, feature = "signing"))]
#[path = "verify_tests.rs"]
mod pipeline_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::jwt::check_header;

    #[test]
    fn verifier_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Verifier>();
    }

    #[test]
    fn typ_is_compared_as_a_media_type() {
        use crate::jose::jwt::typ_matches;
        assert!(typ_matches("oauth-id-jag+jwt", ID_JAG_TYP));
        assert!(typ_matches("application/OAUTH-ID-JAG+JWT", ID_JAG_TYP));
        assert!(!typ_matches("at+jwt", ID_JAG_TYP));
        assert!(!typ_matches("oauth-id-jag+jwt; x=y", ID_JAG_TYP));
        assert!(!typ_matches("text/oauth-id-jag+jwt", ID_JAG_TYP));
    }

    #[test]
    fn header_rules_refuse_crit_b64_and_unlisted_algs() {
        let h = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        let allowed = crate::Alg::DEFAULT_ALLOWED;
        let code = |m: &Map<String, Value>| {
            check_header(m, &allowed, TypRule::Required(ID_JAG_TYP), &mut |_| {})
                .err()
                .map(|e| e.code())
        };
        let ok = serde_json::json!({"alg":"ES256","typ":"oauth-id-jag+jwt"});
        assert_eq!(code(&h(ok.clone())), None);
        let mut v = ok.clone();
        v["crit"] = serde_json::json!(["exp"]);
        assert_eq!(code(&h(v)), Some(ErrorCode::Header));
        let mut v = ok.clone();
        v["b64"] = serde_json::json!(false);
        assert_eq!(code(&h(v)), Some(ErrorCode::Header));
        for bad in ["none", "HS256", "RS512", "ES512"] {
            let mut v = ok.clone();
            v["alg"] = serde_json::json!(bad);
            assert_eq!(code(&h(v)), Some(ErrorCode::Alg), "{bad}");
        }
    }
}
