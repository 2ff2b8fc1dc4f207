//! Unverified inspection of a grant: decode without trusting, and lint it.
//!
//! Nothing here checks a signature: `inspect` is for people and clients who
//! want to *look* at a grant before exchanging it (C12). The verdict that
//! counts is `Verifier::verify`. Each finding cites the rulebook.

use crate::grant::claims::{DefectKind, IdJagClaims};
use crate::grant::verify::ID_JAG_TYP;
use crate::jose::crypto::Alg;
use crate::jose::jws::{Segments, decode_b64url, decode_object, segments};
use crate::jose::jwt::{
    TimeClaim, TimeClaims, TimeFault, TimeLimits, read_date, time_faults, typ_matches,
};
use serde::Serialize;
use serde_json::{Map, Value};

/// Default verifier tolerances, so inspection and verification agree.
const TOLERANCE: f64 = crate::grant::options::DEFAULT_CLOCK_TOLERANCE_SEC as f64;
const MAX_LIFETIME: f64 = crate::grant::options::DEFAULT_MAX_LIFETIME_SEC as f64;
/// The grant's time rules with the verifier's defaults: the linter judges time claims with
/// the verifier's own check (`jwt::time_faults`).
const LIMITS: TimeLimits = TimeLimits::grant(TOLERANCE, MAX_LIFETIME);
/// Inspection decodes larger tokens than the verifier accepts, to show them.
const MAX_INSPECT_BYTES: usize = 1 << 20;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The verifier would refuse the grant for this.
    Error,
    /// Accepted, but likely a mistake (or refused by some verifiers).
    Warning,
    /// Worth knowing; not a defect.
    Info,
}

/// One thing `inspect` found about a grant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A stable identifier of the finding, e.g. `aud-multiple`.
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// What is wrong, in a sentence (never the token).
    pub message: String,
    /// The rule id of docs/rules.md it comes from.
    pub rule: &'static str,
    /// The claim or header member concerned, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
}

/// What the caller expects of the grant (from AS / PRM metadata and its own identity).
#[derive(Debug, Clone, Default)]
pub struct Expect<'a> {
    /// The authorization server's issuer the grant should name as its `aud`.
    pub audience: Option<&'a str>,
    /// The MCP server (RFC 8707 resource) the grant should be for.
    pub resource: Option<&'a str>,
    /// The client the grant should be bound to.
    pub client_id: Option<&'a str>,
    /// The time to judge `exp`, `nbf` and `iat` at (epoch seconds); `None`: no time findings.
    pub now: Option<f64>,
}

/// What `inspect` says about a token: the decoded header and claims (when they decode) and every
/// finding, without keys and without verifying the signature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// The decoded JOSE header, if it decodes.
    pub header: Option<Map<String, Value>>,
    /// The decoded claims (unverified), if they decode.
    pub claims: Option<Map<String, Value>>,
    /// Every finding, in the order the checks ran.
    pub findings: Vec<Finding>,
}

struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, code: &'static str, severity: Severity, rule: &'static str, message: String) {
        self.0.push(Finding {
            code,
            severity,
            message,
            rule,
            claim: None,
        });
    }
    fn claim(
        &mut self,
        code: &'static str,
        severity: Severity,
        rule: &'static str,
        claim: &str,
        message: String,
    ) {
        self.0.push(Finding {
            code,
            severity,
            message,
            rule,
            claim: Some(claim.to_owned()),
        });
    }
}

/// Decode `token` without verifying it and report what a verifier would think.
pub fn inspect(token: &str, expect: &Expect) -> Inspection {
    let mut f = Findings(Vec::new());
    let token = token.trim();
    if let Err(e) = crate::jose::jws::check_size(token.len(), MAX_INSPECT_BYTES) {
        f.add("malformed", Severity::Error, "R6", e.message().to_owned());
        return Inspection {
            header: None,
            claims: None,
            findings: f.0,
        };
    }
    let (h, p, sig) = match segments(token) {
        Segments::Jws {
            header,
            payload,
            signature,
        } => (header, payload, signature),
        Segments::Jwe { header } => {
            f.add(
                "jwe",
                Severity::Error,
                "R6",
                "an encrypted grant (jwe): its content cannot be shown, and idjag does not accept it"
                    .into(),
            );
            return Inspection {
                header: decode_object(header).ok(),
                claims: None,
                findings: f.0,
            };
        }
        Segments::Other(n) => {
            f.add(
                "malformed",
                Severity::Error,
                "R6",
                format!("a compact jws has 3 dot-separated parts, this has {n}"),
            );
            return Inspection {
                header: None,
                claims: None,
                findings: f.0,
            };
        }
    };
    let header = match decode_object(h) {
        Ok(h) => Some(h),
        Err(why) => {
            f.add(
                "malformed",
                Severity::Error,
                "R7",
                format!("the header {why}"),
            );
            None
        }
    };
    let claims = match decode_object(p) {
        Ok(c) => Some(c),
        Err(why) => {
            f.add(
                "malformed",
                Severity::Error,
                "R7",
                format!("the payload {why}"),
            );
            None
        }
    };
    if sig.is_empty() || decode_b64url(sig).is_none() {
        f.add(
            "malformed",
            Severity::Error,
            "R6",
            "the signature part is empty or not strict base64url".into(),
        );
    }
    if let Some(h) = &header {
        header_findings(h, claims.as_ref(), &mut f);
    }
    if let Some(c) = &claims {
        claim_findings(c, expect, &mut f);
    }
    Inspection {
        header,
        claims,
        findings: f.0,
    }
}

fn header_findings(h: &Map<String, Value>, claims: Option<&Map<String, Value>>, f: &mut Findings) {
    match h.get("typ").and_then(Value::as_str) {
        None => {
            let looks_like_id_token =
                claims.is_some_and(|c| c.contains_key("nonce") || c.contains_key("at_hash"));
            if looks_like_id_token {
                f.add("typ-id-token", Severity::Error, "S16", "this looks like an openid connect id token, not an id-jag: exchange it at the idp first".into());
            } else {
                f.add(
                    "typ-missing",
                    Severity::Error,
                    "R9",
                    format!("typ is missing; an id-jag has typ {ID_JAG_TYP}"),
                );
            }
        }
        Some(t) if typ_matches(t, ID_JAG_TYP) => {}
        Some(t) if typ_matches(t, "at+jwt") => {
            f.add(
                "typ-access-token",
                Severity::Error,
                "S16",
                "this is an access token (at+jwt), not an id-jag grant".into(),
            );
        }
        Some(t) => f.add(
            "typ-wrong",
            Severity::Error,
            "R9",
            format!(
                "typ is {}, an id-jag has typ {ID_JAG_TYP}",
                crate::error::quote(t)
            ),
        ),
    }
    match h.get("alg").and_then(Value::as_str) {
        None => f.add("alg-none", Severity::Error, "R10", "alg is missing".into()),
        Some("none") => f.add(
            "alg-none",
            Severity::Error,
            "R10",
            "alg none: the grant is unsigned and is always refused".into(),
        ),
        Some(a) if a.starts_with("HS") => {
            f.add(
                "alg-hmac",
                Severity::Error,
                "R10",
                format!("{a} is a shared-secret mac; an idp signs grants with an asymmetric key"),
            );
        }
        Some(a) => match Alg::parse(a) {
            Some(alg) if Alg::DEFAULT_ALLOWED.contains(&alg) => {}
            Some(alg) => f.add(
                "alg-unusual",
                Severity::Warning,
                "R10",
                format!(
                    "{} is supported but not in the default allow-list",
                    alg.name()
                ),
            ),
            None => f.add(
                "alg-unusual",
                Severity::Error,
                "R10",
                format!(
                    "{} is not an algorithm idjag verifies",
                    crate::error::quote(a)
                ),
            ),
        },
    }
    if h.contains_key("crit") {
        f.add(
            "crit",
            Severity::Error,
            "R11",
            "crit names extensions the verifier must understand; none are supported".into(),
        );
    }
    if h.contains_key("b64") {
        f.add(
            "b64",
            Severity::Error,
            "R11",
            "b64 (unencoded payload) is not accepted".into(),
        );
    }
    for name in ["jku", "x5u", "jwk", "x5c"] {
        if h.contains_key(name) {
            f.add(
                "header-key-reference",
                Severity::Warning,
                "R12",
                format!("header {name} is ignored: keys come only from the trusted issuer's jwks"),
            );
        }
    }
    if !h.contains_key("kid") {
        f.add(
            "kid-missing",
            Severity::Info,
            "R13",
            "no kid: the verifier tries each of the issuer's keys that fits alg".into(),
        );
    }
}

fn rule_of(claim: &str) -> &'static str {
    match claim {
        "iss" => "R17",
        "sub" => "R19",
        "aud" => "R20",
        "client_id" => "R21",
        "jti" => "R22",
        "exp" => "R23",
        "iat" => "R24",
        "nbf" => "R25",
        "sub_id" => "R51",
        _ => "R28",
    }
}

/// A short hint for the mistakes people make with identifiers.
fn near_miss(got: &str, want: &str) -> &'static str {
    if got == want {
        ""
    } else if got.trim_end_matches('/') == want.trim_end_matches('/') {
        " (only a trailing slash differs: comparison is exact)"
    } else if got.eq_ignore_ascii_case(want) {
        " (only letter case differs: comparison is exact)"
    } else if got.starts_with(want.trim_end_matches('/'))
        && (got.contains("token") || got.contains("oauth"))
    {
        " (this looks like an endpoint url; aud must be the issuer identifier)"
    } else {
        ""
    }
}

fn claim_findings(c: &Map<String, Value>, expect: &Expect, f: &mut Findings) {
    // Reuse the verifier's own claim rules: collect every defect by removing each offender in turn.
    let mut probe = c.clone();
    for _ in 0..32 {
        match IdJagClaims::read(&probe) {
            Ok(_) => break,
            Err(defect) => {
                let e = defect.error;
                let name = e.claim_name().unwrap_or("claims").to_owned();
                // Only the claim itself missing; "sub_id saml-nameid nameid is missing" is invalid.
                let code = match defect.kind {
                    DefectKind::Missing => "claim-missing",
                    DefectKind::Invalid => "claim-type",
                };
                f.claim(
                    code,
                    Severity::Error,
                    rule_of(&name),
                    &name,
                    e.message().to_owned(),
                );
                if probe.remove(&name).is_none() {
                    // Missing: put a harmless placeholder so the next defect surfaces.
                    let placeholder = if matches!(name.as_str(), "exp" | "iat") {
                        Value::from(0)
                    } else {
                        Value::from("-")
                    };
                    probe.insert(name, placeholder);
                }
            }
        }
    }
    let aud: Vec<&str> = match c.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if aud.len() > 1 {
        f.claim(
            "aud-multiple",
            Severity::Error,
            "R20",
            "aud",
            "aud names several audiences; an id-jag must name exactly one authorization server"
                .into(),
        );
    }
    // A multi-valued aud is already reported as aud-multiple.
    if let Some(want) = expect.audience
        && aud.len() == 1
        && aud.first() != Some(&want)
    {
        let got = aud.first().copied().unwrap_or_default();
        f.claim(
            "aud-mismatch",
            Severity::Error,
            "R20",
            "aud",
            format!(
                "aud is {} but the authorization server's issuer is {}{}",
                crate::error::quote(got),
                crate::error::quote(want),
                near_miss(got, want)
            ),
        );
    }
    let resources: Vec<&str> = match c.get("resource") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !c.contains_key("resource") {
        f.claim("resource-missing", Severity::Warning, "R33", "resource", "no resource: an ema authorization server requires the mcp server's resource identifier".into());
    }
    if let Some(want) = expect.resource
        && c.contains_key("resource")
        && !resources.contains(&want)
    {
        let got = resources.first().copied().unwrap_or_default();
        f.claim(
            "resource-mismatch",
            Severity::Error,
            "R32",
            "resource",
            format!(
                "resource does not include the mcp server {}{}",
                crate::error::quote(want),
                near_miss(got, want)
            ),
        );
    }
    if let (Some(want), Some(got)) = (expect.client_id, c.get("client_id").and_then(Value::as_str))
        && want != got
    {
        f.claim(
            "client-mismatch",
            Severity::Error,
            "R21",
            "client_id",
            format!(
                "client_id is {} but this client is {}",
                crate::error::quote(got),
                crate::error::quote(want)
            ),
        );
    }
    time_findings(c, expect.now, f);
    if c.contains_key("cnf") {
        f.claim("cnf", Severity::Warning, "R42", "cnf", "the grant is bound to a key (cnf): it needs a dpop proof, which idjag does not accept yet".into());
    }
    if c.contains_key("authorization_details") {
        f.claim(
            "authorization-details",
            Severity::Warning,
            "R36",
            "authorization_details",
            "authorization_details is refused unless the authorization server enables it".into(),
        );
    }
    for pii in [
        "email",
        "name",
        "phone_number",
        "given_name",
        "family_name",
        "preferred_username",
    ] {
        if c.contains_key(pii) {
            f.claim(
                "pii",
                Severity::Info,
                "S18",
                pii,
                format!(
                    "{pii} is personal data; include it only when the authorization server needs it"
                ),
            );
        }
    }
    if let Some(act) = c.get("act").and_then(Value::as_object) {
        f.claim("act", Severity::Info, "R41", "act", act_message(act));
    }
    // R51: a well-formed sub_id and its format (a malformed one is a claim-type error above).
    if let Some(sub_id) = c.get("sub_id")
        && let Ok(format) = crate::grant::claims::check_subject_identifier(sub_id)
    {
        let known = matches!(
            format,
            crate::grant::claims::SAML_NAMEID
                | "account"
                | "email"
                | "iss_sub"
                | "opaque"
                | "phone_number"
                | "did"
                | "uri"
                | "aliases"
        );
        let note = if format == crate::grant::claims::SAML_NAMEID {
            "; the authorization server uses it only when it associates its issuer with this iss (R55)"
        } else if known {
            ""
        } else {
            "; an unknown format (only saml-nameid is spelled with a hyphen): a verifier requiring saml-nameid refuses it"
        };
        f.claim(
            "sub-id",
            Severity::Info,
            "R51",
            "sub_id",
            format!(
                "sub_id is a subject identifier of format {}{note}",
                crate::error::quote(format)
            ),
        );
    }
}

/// Most nested `act` levels described (the parser already bounds the depth).
const MAX_ACT_DEPTH: usize = 32;

/// R41 / RFC 8693 §4.1: the current actor (`act.sub`) and how many actors the delegation
/// chain nests (`act` within `act`).
fn act_message(act: &Map<String, Value>) -> String {
    let mut depth = 1;
    let mut cur = act;
    while depth < MAX_ACT_DEPTH {
        match cur.get("act").and_then(Value::as_object) {
            Some(next) => {
                depth += 1;
                cur = next;
            }
            None => break,
        }
    }
    let actor = match act.get("sub").and_then(Value::as_str) {
        Some(sub) => format!("act.sub {}", crate::error::quote(sub)),
        None => "an actor without act.sub".to_owned(),
    };
    let chain = if depth == 1 {
        "1 actor".to_owned()
    } else {
        format!("{depth} actors, nested")
    };
    format!(
        "acting: {actor} ({chain} in the delegation chain); act has no defined processing and grants nothing"
    )
}

/// R23–R27 with the verifier's check (`jwt::time_faults`, every fault rather than the
/// first); a defective claim is a claim finding above and counts as absent here.
fn time_findings(c: &Map<String, Value>, now: Option<f64>, f: &mut Findings) {
    let faults = time_faults(&TimeClaims::read(c), now, &LIMITS);
    let has = |fault: TimeFault| faults.contains(&fault);
    let num = |n: &str| read_date(c, n).ok().flatten();
    let (exp, iat) = (num("exp"), num("iat"));
    if has(TimeFault::ExpNotAfterIat) {
        f.claim(
            "lifetime-invalid",
            Severity::Error,
            "R27",
            "exp",
            "exp is not after iat".into(),
        );
    } else if let (true, Some(exp), Some(iat)) = (has(TimeFault::TooLong), exp, iat) {
        f.claim(
            "lifetime-long",
            Severity::Warning,
            "R26",
            "exp",
            format!(
                "lifetime is {} s; the default limit is {MAX_LIFETIME} s",
                exp - iat
            ),
        );
    }
    if has(TimeFault::NbfAfterExp) {
        f.claim(
            "lifetime-invalid",
            Severity::Error,
            "R27",
            "nbf",
            "nbf is after exp".into(),
        );
    }
    let Some(now) = now else { return };
    if let Some(exp) = exp {
        if has(TimeFault::Expired) {
            f.claim(
                "expired",
                Severity::Error,
                "R23",
                "exp",
                format!("expired {} s ago", (now - exp).round() as i64),
            );
        } else if now >= exp {
            f.claim(
                "expires-in",
                Severity::Warning,
                "R23",
                "exp",
                format!(
                    "expired {} s ago; accepted only within the {TOLERANCE} s clock tolerance",
                    (now - exp).round()
                ),
            );
        } else {
            f.claim(
                "expires-in",
                Severity::Info,
                "R23",
                "exp",
                format!("expires in {} s", (exp - now).round() as i64),
            );
        }
    }
    for (claim, rule) in [(TimeClaim::Iat, "R24"), (TimeClaim::Nbf, "R25")] {
        let name = claim.name();
        if let (true, Some(v)) = (has(TimeFault::NotYetValid(claim)), num(name)) {
            f.claim(
                "not-yet-valid",
                Severity::Error,
                rule,
                name,
                format!("{name} is {} s in the future", (v - now).round() as i64),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::jws::encode_b64url;
    use serde_json::json;

    fn token(h: Value, c: Value) -> String {
        format!(
            "{}.{}.c2ln",
            encode_b64url(h.to_string().as_bytes()),
            encode_b64url(c.to_string().as_bytes())
        )
    }

    fn good() -> Value {
        json!({"iss":"https://idp","sub":"u","aud":"https://as","client_id":"c","jti":"j","iat":1000,"exp":1060,"resource":"https://mcp/mcp","scope":"a"})
    }

    fn codes(t: &str, e: &Expect) -> Vec<&'static str> {
        inspect(t, e).findings.iter().map(|f| f.code).collect()
    }

    const H: fn() -> Value = || json!({"alg":"ES256","typ":"oauth-id-jag+jwt","kid":"k"});

    #[test]
    fn a_good_grant_has_only_info() {
        let e = Expect {
            audience: Some("https://as"),
            resource: Some("https://mcp/mcp"),
            client_id: Some("c"),
            now: Some(1010.0),
        };
        let i = inspect(&token(H(), good()), &e);
        assert!(
            i.findings.iter().all(|f| f.severity == Severity::Info),
            "{:?}",
            i.findings
        );
        assert!(i.claims.is_some() && i.header.is_some());
    }

    #[test]
    fn near_misses_are_named() {
        let e = Expect {
            audience: Some("https://as/"),
            ..Default::default()
        };
        let i = inspect(&token(H(), good()), &e);
        let f = i
            .findings
            .iter()
            .find(|f| f.code == "aud-mismatch")
            .expect("aud-mismatch");
        assert!(f.message.contains("trailing slash"), "{}", f.message);
        assert_eq!(f.rule, "R20");
    }

    #[test]
    fn two_element_aud_is_aud_multiple_only() {
        let mut c = good();
        c["aud"] = json!(["https://as", "https://other"]);
        let found = codes(
            &token(H(), c),
            &Expect {
                audience: Some("https://as"),
                ..Default::default()
            },
        );
        assert!(found.contains(&"aud-multiple"));
        assert!(!found.contains(&"aud-mismatch"), "{found:?}");
    }

    #[test]
    fn header_problems() {
        let c = good();
        assert!(
            codes(
                &token(json!({"alg":"ES256","typ":"at+jwt"}), c.clone()),
                &Expect::default()
            )
            .contains(&"typ-access-token")
        );
        assert!(
            codes(
                &token(json!({"alg":"none","typ":"oauth-id-jag+jwt"}), c.clone()),
                &Expect::default()
            )
            .contains(&"alg-none")
        );
        assert!(
            codes(
                &token(json!({"alg":"HS256","typ":"oauth-id-jag+jwt"}), c.clone()),
                &Expect::default()
            )
            .contains(&"alg-hmac")
        );
        assert!(
            codes(
                &token(
                    json!({"alg":"ES256","typ":"oauth-id-jag+jwt","crit":["x"]}),
                    c.clone()
                ),
                &Expect::default()
            )
            .contains(&"crit")
        );
        let mut idt = c.clone();
        idt["nonce"] = json!("n");
        assert!(
            codes(&token(json!({"alg":"RS256"}), idt), &Expect::default())
                .contains(&"typ-id-token")
        );
    }

    #[test]
    fn every_claim_defect_is_reported_not_only_the_first() {
        let mut c = good();
        c.as_object_mut().unwrap().remove("sub");
        c["jti"] = json!(5);
        c["email"] = json!("a@b");
        c["cnf"] = json!({"jkt":"x"});
        let found = inspect(
            &token(H(), c),
            &Expect {
                now: Some(5000.0),
                ..Default::default()
            },
        )
        .findings;
        let has = |code: &str, claim: &str| {
            found
                .iter()
                .any(|f| f.code == code && f.claim.as_deref() == Some(claim))
        };
        assert!(has("claim-missing", "sub"));
        assert!(has("claim-type", "jti"));
        assert!(has("pii", "email"));
        assert!(has("cnf", "cnf"));
        assert!(has("expired", "exp"));
    }

    // R41: act shows the actor and the delegation depth.
    #[test]
    fn act_finding_shows_the_actor_and_depth() {
        let mut c = good();
        c["act"] = json!({"sub": "agent-7", "act": {"sub": "gateway", "act": {"sub": "edge"}}});
        let found = inspect(&token(H(), c), &Expect::default()).findings;
        let act = found.iter().find(|f| f.code == "act").expect("act");
        assert_eq!(act.rule, "R41");
        assert!(act.message.contains("\"agent-7\""), "{}", act.message);
        assert!(act.message.contains("3 actors"), "{}", act.message);
        let mut c = good();
        c["act"] = json!({"sub": "agent-7"});
        let found = inspect(&token(H(), c), &Expect::default()).findings;
        let act = found.iter().find(|f| f.code == "act").expect("act");
        assert!(act.message.contains("1 actor"), "{}", act.message);
    }

    // R51/R52: sub_id shown with its format; malformed is a claim-type error.
    #[test]
    fn sub_id_findings() {
        let mut c = good();
        c["sub_id"] = json!({"format": "saml-nameid", "issuer": "https://saml", "nameid": "a"});
        let found = inspect(&token(H(), c), &Expect::default()).findings;
        let f = found.iter().find(|f| f.code == "sub-id").expect("sub-id");
        assert_eq!((f.rule, f.severity), ("R51", Severity::Info));
        assert!(f.message.contains("saml-nameid"), "{}", f.message);
        let mut c = good();
        c["sub_id"] = json!({"format": "saml_nameid"});
        let found = inspect(&token(H(), c), &Expect::default()).findings;
        let f = found.iter().find(|f| f.code == "sub-id").expect("sub-id");
        assert!(f.message.contains("unknown format"), "{}", f.message);
        for bad in [
            json!("alice"),
            json!({"format": "saml-nameid", "issuer": "https://saml"}),
        ] {
            let mut c = good();
            c["sub_id"] = bad;
            let found = inspect(&token(H(), c), &Expect::default()).findings;
            assert!(!found.iter().any(|f| f.code == "sub-id"));
            let f = found
                .iter()
                .find(|f| f.code == "claim-type" && f.claim.as_deref() == Some("sub_id"))
                .expect("claim-type sub_id");
            assert_eq!((f.rule, f.severity), ("R51", Severity::Error));
        }
    }

    #[test]
    fn garbage_never_panics() {
        for t in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d.e",
            "eyJ9.eyJ9.",
            "\u{1F600}.x.y",
        ] {
            let i = inspect(t, &Expect::default());
            assert!(!i.findings.is_empty(), "{t}");
        }
    }
}
