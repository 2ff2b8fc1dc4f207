//! Typed ID-JAG claims (JAG §3.1), read from a *verified* payload only (R31).
//! Every presence and type rule of R19, R22, R23–R25 and R28 lives here.

use crate::error::Error;
pub use crate::jose::jwt::Audience;
pub use crate::jose::jwt::{ClaimDefect, DefectKind};
use crate::jose::jwt::{
    TimeClaim, TimeClaims, TimeFault, TimeLimits, Times, claim_err, date_defect, missing,
    optional_str, read_date, required_str, string_array,
};
use serde_json::{Map, Value};

/// The claims idjag interprets; everything else stays in the raw map (R30).
#[derive(Debug, Clone, PartialEq)]
pub struct IdJagClaims {
    pub iss: String,
    pub sub: String,
    /// `aud` as given: one string, or the array's elements.
    pub aud: Audience,
    pub client_id: String,
    pub jti: String,
    pub exp: f64,
    pub iat: f64,
    pub nbf: Option<f64>,
    /// `None` when absent; a single string becomes a one-element list.
    pub resource: Option<Vec<String>>,
    pub scope: Option<Vec<String>>,
    pub authorization_details: Option<Vec<Value>>,
    pub tenant: Option<String>,
    /// -04 §3.1: the IdP's identifiers of this server's tenant and of the resource app.
    pub aud_tenant: Option<String>,
    pub aud_sub: Option<String>,
    pub has_cnf: bool,
    /// R51/R52: the RFC 9493 Subject Identifier, type-checked (`None` when absent).
    pub sub_id: Option<Map<String, Value>>,
}

/// The `saml-nameid` Subject Identifier format (-04 §3.2.1). Only this spelling: Okta's
/// documented `saml_nameid` is an unknown format (R52).
pub const SAML_NAMEID: &str = "saml-nameid";

/// RFC 9493 §3.2 formats and their members that must be strings: (format, required, optional).
const SUBJECT_FORMATS: [(&str, &[&str], &[&str]); 8] = [
    ("account", &["uri"], &[]),
    ("email", &["email"], &[]),
    ("iss_sub", &["iss", "sub"], &[]),
    ("opaque", &["id"], &[]),
    ("phone_number", &["phone_number"], &[]),
    ("did", &["url"], &[]),
    ("uri", &["uri"], &[]),
    // -04 §3.2.1 (R52)
    (
        SAML_NAMEID,
        &["issuer", "nameid"],
        &[
            "nameid_format",
            "name_qualifier",
            "sp_name_qualifier",
            "sp_provided_id",
        ],
    ),
];

/// R51/R52 (RFC 9493 §3): a Subject Identifier is an object with a string `format`; the
/// members its format defines have their types (required ones non-empty strings). An
/// unknown format passes with only `format` checked (it is then "unsupported" for R54).
/// `aliases` (RFC 9493 §3.2.8) holds a non-empty array of identifiers, none of them aliases.
/// `Err` is the message (without the claim name).
pub fn check_subject_identifier(v: &Value) -> Result<&str, String> {
    check_subject_identifier_at(v, false)
}

fn check_subject_identifier_at(v: &Value, in_aliases: bool) -> Result<&str, String> {
    let obj = v
        .as_object()
        .ok_or("must be a json object (rfc 9493 subject identifier)")?;
    let format = match obj.get("format") {
        Some(Value::String(f)) if !f.is_empty() => f.as_str(),
        Some(_) => return Err("format must be a non-empty string".to_owned()),
        None => return Err("format is missing".to_owned()),
    };
    if format == "aliases" {
        if in_aliases {
            return Err("aliases must not contain aliases".to_owned());
        }
        let list = match obj.get("identifiers") {
            Some(Value::Array(list)) if !list.is_empty() => list,
            Some(_) => return Err("aliases identifiers must be a non-empty array".to_owned()),
            None => return Err("aliases identifiers is missing".to_owned()),
        };
        for item in list {
            check_subject_identifier_at(item, true)
                .map_err(|e| format!("aliases identifier: {e}"))?;
        }
        return Ok(format);
    }
    if let Some((_, required, optional)) = SUBJECT_FORMATS.iter().find(|(f, _, _)| *f == format) {
        for m in *required {
            match obj.get(*m) {
                Some(Value::String(s)) if !s.is_empty() => {}
                Some(_) => return Err(format!("{format} {m} must be a non-empty string")),
                None => return Err(format!("{format} {m} is missing")),
            }
        }
        for m in *optional {
            if obj.get(*m).is_some_and(|x| !x.is_string()) {
                return Err(format!("{format} {m} must be a string"));
            }
        }
    }
    Ok(format)
}

fn required_string(map: &Map<String, Value>, name: &str) -> Result<String, ClaimDefect> {
    required_str(map, name).map(str::to_owned)
}

fn optional_string(map: &Map<String, Value>, name: &str) -> Result<Option<String>, ClaimDefect> {
    Ok(optional_str(map, name)?.map(str::to_owned))
}

/// The grant's time claims' presence and types (R23–R25), by the shared reader: `exp`,
/// `iat` required, `nbf` optional, in that order. The clock is consulted later (`check_times`).
fn time_claims(map: &Map<String, Value>) -> Result<Times, ClaimDefect> {
    // The tolerance and the lifetime cap play no part in reading.
    TimeClaims::read(map)
        .require(&TimeLimits::grant(0.0, 0.0))
        .map_err(TimeFault::defect)
}

/// RFC 8707 §2: an absolute URI without a fragment.
pub fn is_resource_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !rest.is_empty()
        && !s.contains('#')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// RFC 6749 §3.3: `scope-token = 1*NQCHAR`, bytes %x21 / %x23-5B / %x5D-7E (no space, `"`,
/// `\` or control character).
pub fn is_scope_token(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
}

/// RFC 6749 §3.3: `scope-token *( SP scope-token )`, duplicates dropped.
pub fn parse_scope(s: &str) -> Option<Vec<String>> {
    if s.is_empty() {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for token in s.split(' ') {
        if !is_scope_token(token) {
            return None;
        }
        if !out.iter().any(|t| t == token) {
            out.push(token.to_owned());
        }
    }
    Some(out)
}

/// The `scope` claim of a grant or an access token (RFC 6749 §3.3, RFC 9068 §2.2.3): absent,
/// or a space-separated string of scope tokens, duplicates dropped.
pub fn scope_claim(map: &Map<String, Value>) -> Result<Option<Vec<String>>, ClaimDefect> {
    match map.get("scope") {
        None => Ok(None),
        Some(Value::String(s)) => parse_scope(s)
            .map(Some)
            .ok_or_else(|| claim_err("scope", "is not a valid scope string")),
        Some(_) => Err(claim_err("scope", "must be a space-separated string")),
    }
}

impl IdJagClaims {
    /// Read and type-check the claims, in a fixed order so the first defect wins.
    pub fn from_payload(map: &Map<String, Value>) -> Result<IdJagClaims, Error> {
        Self::read(map).map_err(|d| d.error)
    }

    /// `from_payload` with the defect typed (missing or invalid), for the linter.
    pub fn read(map: &Map<String, Value>) -> Result<IdJagClaims, ClaimDefect> {
        let iss = required_string(map, "iss")?;
        // R19
        let sub = required_string(map, "sub")?;
        // R20 (shape only; the value is checked against our issuer by the verifier)
        let aud = Audience::read(map)?;
        // R21 (shape), R22
        let client_id = required_string(map, "client_id")?;
        let jti = required_string(map, "jti")?;
        // R23, R24, R25
        let Times { exp, iat, nbf } = time_claims(map)?;
        let iat = iat.ok_or_else(|| missing(TimeClaim::Iat.name()))?;
        // R28: the optional claims' types
        let resource = match map.get("resource") {
            None => None,
            Some(Value::String(s)) => Some(vec![s.clone()]),
            Some(v @ Value::Array(_)) => {
                let list = string_array(v)
                    .ok_or_else(|| claim_err("resource", "must hold only strings"))?;
                if list.is_empty() {
                    return Err(claim_err("resource", "must not be an empty array"));
                }
                Some(list)
            }
            Some(_) => {
                return Err(claim_err(
                    "resource",
                    "must be a string or an array of strings",
                ));
            }
        };
        if let Some(list) = &resource
            && !list.iter().all(|r| is_resource_uri(r))
        {
            return Err(claim_err(
                "resource",
                "must be absolute uris without a fragment",
            ));
        }
        let scope = scope_claim(map)?;
        let authorization_details = match map.get("authorization_details") {
            None => None,
            Some(Value::Array(items)) => {
                let ok = items.iter().all(|i| {
                    i.as_object()
                        .and_then(|o| o.get("type"))
                        .is_some_and(Value::is_string)
                });
                if !ok {
                    return Err(claim_err(
                        "authorization_details",
                        "must be objects each with a string type",
                    ));
                }
                Some(items.clone())
            }
            Some(_) => return Err(claim_err("authorization_details", "must be an array")),
        };
        let tenant = optional_string(map, "tenant")?;
        let aud_tenant = optional_string(map, "aud_tenant")?;
        let aud_sub = optional_string(map, "aud_sub")?;
        for name in ["email", "acr"] {
            optional_string(map, name)?;
        }
        if let Some(amr) = map.get("amr")
            && string_array(amr).is_none()
        {
            return Err(claim_err("amr", "must be an array of strings"));
        }
        read_date(map, "auth_time").map_err(|d| date_defect("auth_time", d))?;
        if let Some(act) = map.get("act")
            && !act.is_object()
        {
            return Err(claim_err("act", "must be an object"));
        }
        // R51/R52
        let sub_id = match map.get("sub_id") {
            None => None,
            Some(v) => {
                check_subject_identifier(v).map_err(|e| claim_err("sub_id", &e))?;
                v.as_object().cloned()
            }
        };
        let has_cnf = match map.get("cnf") {
            None => false,
            Some(Value::Object(_)) => true,
            Some(_) => return Err(claim_err("cnf", "must be an object")),
        };
        Ok(IdJagClaims {
            iss,
            sub,
            aud,
            client_id,
            jti,
            exp,
            iat,
            nbf,
            resource,
            scope,
            authorization_details,
            tenant,
            aud_tenant,
            aud_sub,
            has_cnf,
            sub_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    fn base() -> Value {
        json!({"iss":"https://idp","sub":"u1","aud":"https://as","client_id":"c1","jti":"j1","exp":200,"iat":100})
    }

    fn err_claim(v: Value) -> Option<String> {
        IdJagClaims::from_payload(v.as_object().unwrap())
            .err()
            .map(|e| {
                assert_eq!(e.code(), ErrorCode::Claim);
                e.claim_name().unwrap_or_default().to_owned()
            })
    }

    #[test]
    fn base_parses() {
        let c = IdJagClaims::from_payload(base().as_object().unwrap()).unwrap();
        assert_eq!(c.aud.values, vec!["https://as"]);
        assert!(!c.aud.was_array);
        assert_eq!(c.resource, None);
    }

    #[test]
    fn r19_r22_required_strings() {
        for name in ["sub", "client_id", "jti"] {
            let mut v = base();
            v.as_object_mut().unwrap().remove(name);
            assert_eq!(err_claim(v).as_deref(), Some(name));
            let mut v = base();
            v[name] = json!("");
            assert_eq!(err_claim(v).as_deref(), Some(name));
            let mut v = base();
            v[name] = json!(7);
            assert_eq!(err_claim(v).as_deref(), Some(name));
        }
    }

    #[test]
    fn r23_r24_r25_numericdates() {
        let mut v = base();
        v["exp"] = json!("200");
        assert_eq!(err_claim(v).as_deref(), Some("exp"));
        let mut v = base();
        v.as_object_mut().unwrap().remove("iat");
        assert_eq!(err_claim(v).as_deref(), Some("iat"));
        let mut v = base();
        v["nbf"] = json!(true);
        assert_eq!(err_claim(v).as_deref(), Some("nbf"));
        let mut v = base();
        v["exp"] = json!(200.5);
        assert!(err_claim(v).is_none());
    }

    #[test]
    fn r28_optional_claim_types() {
        for (name, bad) in [
            ("resource", json!(5)),
            ("resource", json!([])),
            ("resource", json!(["relative/path"])),
            ("resource", json!("https://x/#frag")),
            ("scope", json!(["a"])),
            ("scope", json!("a  b")),
            ("scope", json!("a\"b")),
            ("authorization_details", json!([{"no":"type"}])),
            ("authorization_details", json!({})),
            ("tenant", json!(1)),
            ("email", json!(1)),
            ("amr", json!("pwd")),
            ("auth_time", json!("x")),
            ("act", json!("x")),
            ("cnf", json!("x")),
            ("aud", json!(["https://as", 1])),
            ("aud", json!(1)),
        ] {
            let mut v = base();
            v[name] = bad.clone();
            assert_eq!(err_claim(v).as_deref(), Some(name), "{name} = {bad}");
        }
    }

    // R51/R52: sub_id shapes (RFC 9493 §3, -04 §3.2.1).
    #[test]
    fn r51_r52_sub_id_types() {
        for bad in [
            json!("alice"),
            json!({}),
            json!({"format": 5}),
            json!({"format": "saml-nameid", "issuer": "https://saml"}),
            json!({"format": "saml-nameid", "nameid": "a"}),
            json!({"format": "saml-nameid", "issuer": 1, "nameid": "a"}),
            json!({"format": "saml-nameid", "issuer": "https://saml", "nameid": "a", "sp_name_qualifier": 1}),
            json!({"format": "saml-nameid", "issuer": "https://saml", "nameid": "a", "nameid_format": null}),
            json!({"format": "email"}),
            json!({"format": "email", "email": 3}),
            json!({"format": "iss_sub", "iss": "https://i"}),
            json!({"format": "opaque", "id": ""}),
            json!({"format": "phone_number", "phone_number": 1}),
            json!({"format": "account", "uri": []}),
            json!({"format": "did", "url": {}}),
            json!({"format": "uri"}),
            json!({"format": "aliases", "identifiers": []}),
            json!({"format": "aliases", "identifiers": [{"format": "email"}]}),
            json!({"format": "aliases", "identifiers": [{"format": "aliases", "identifiers": [{"format":"opaque","id":"x"}]}]}),
        ] {
            let mut v = base();
            v["sub_id"] = bad.clone();
            assert_eq!(err_claim(v).as_deref(), Some("sub_id"), "{bad}");
        }
        for good in [
            json!({"format": "saml-nameid", "issuer": "https://saml", "nameid": "a"}),
            json!({"format": "saml-nameid", "issuer": "https://saml", "nameid": "a", "nameid_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "name_qualifier": "q", "sp_name_qualifier": "sp", "sp_provided_id": "p"}),
            json!({"format": "email", "email": "a@example.com"}),
            json!({"format": "iss_sub", "iss": "https://i", "sub": "s"}),
            json!({"format": "aliases", "identifiers": [{"format": "email", "email": "a@example.com"}, {"format": "opaque", "id": "x"}]}),
            // an unknown format: only `format` is checked (R54 treats it as unsupported)
            json!({"format": "saml_nameid", "issuer": 5}),
        ] {
            let mut v = base();
            v["sub_id"] = good.clone();
            let c = IdJagClaims::from_payload(v.as_object().unwrap()).unwrap();
            assert_eq!(c.sub_id.as_ref(), good.as_object(), "{good}");
        }
    }

    #[test]
    fn scope_parsing() {
        assert_eq!(
            parse_scope("a b a"),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(parse_scope(""), None);
        assert_eq!(parse_scope(" a"), None);
        assert_eq!(parse_scope("a\\b"), None);
    }

    #[test]
    fn scope_tokens() {
        // What pkg/src/access-token-verifier.js accepts as a required scope (wasm isScopeToken).
        for ok in ["files.read", "a:b", "!", "~", "[x]", "urn:x:y/z"] {
            assert!(is_scope_token(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "quo\"te",
            "back\\slash",
            "tab\t",
            "nl\n",
            "del\u{7f}",
            "é",
        ] {
            assert!(!is_scope_token(bad), "{bad:?}");
        }
    }
}
