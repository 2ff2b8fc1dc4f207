//! The jwt-bearer token request (RFC 7523 §2.1 over RFC 6749 §3.2): method,
//! media type, form decoding and the parameter rules R1, R2, R3 (one client
//! authentication method) and R5a. No I/O: the JS layer hands over the parts
//! of the HTTP request; client credentials are checked in `client_auth`.

use crate::error::quote;

/// The RFC 7523 `grant_type` an ID-JAG is presented with (R1).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The RFC 7523 §2.2 `client_assertion_type` of private_key_jwt client authentication (R3).
pub const CLIENT_ASSERTION_JWT: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Bodies above this are refused before parsing (a grant is ≤ 16 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A refusal at the token endpoint. `description` is what the client sees
/// (generic, RFC 6749 §5.2); `reason` is the detail for the audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// HTTP status: 400, or 401 for client authentication, 405 for a method other than POST.
    pub status: u16,
    /// The OAuth error code on the wire (`invalid_request`, `invalid_client`, `unsupported_grant_type`, …).
    pub oauth_error: &'static str,
    /// The generic `error_description` the client sees.
    pub description: &'static str,
    /// The detail, for the audit event only.
    pub reason: String,
    /// The rule id (docs/rules.md) that refused the request.
    pub rule: &'static str,
    /// The client authenticated with HTTP Basic: a 401 carries a Basic challenge.
    pub basic_challenge: bool,
}

/// A 400 `invalid_request` refusal by `rule`, with `reason` for the audit event.
pub fn invalid_request(rule: &'static str, reason: impl Into<String>) -> RequestError {
    RequestError {
        status: 400,
        oauth_error: "invalid_request",
        description: "the token request is not valid",
        reason: reason.into(),
        rule,
        basic_challenge: false,
    }
}

/// How the client presented its credentials (RFC 6749 §2.3, RFC 7523 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCredentials {
    /// No credentials: only a `client_id` parameter (a public client, R4).
    None {
        /// The `client_id` parameter, if sent.
        client_id: Option<String>,
    },
    /// `client_secret_basic`: the `Authorization: Basic` header.
    Basic {
        /// The client_id from the header.
        client_id: String,
        /// The client secret from the header.
        secret: String,
    },
    /// `client_secret_post`: `client_id` and `client_secret` form parameters.
    Post {
        /// The `client_id` parameter.
        client_id: String,
        /// The `client_secret` parameter.
        secret: String,
    },
    /// `private_key_jwt`: a signed client assertion (RFC 7523 §2.2).
    PrivateKeyJwt {
        /// The `client_id` parameter, if sent (it must then equal the assertion's `iss`).
        client_id: Option<String>,
        /// The `client_assertion` parameter.
        assertion: String,
    },
}

/// A parsed jwt-bearer token request (R1, R2, R5a): the grant and the client's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The `assertion` parameter: the ID-JAG.
    pub assertion: String,
    /// The `scope` parameter, if sent.
    pub scope: Option<String>,
    /// The `resource` parameter (RFC 8707), if sent.
    pub resource: Option<String>,
    /// How the client authenticated.
    pub credentials: ClientCredentials,
}

/// The parts of the HTTP request the decision needs.
#[derive(Debug, Clone, Copy)]
pub struct RawTokenRequest<'a> {
    /// The HTTP method (only `POST` is accepted).
    pub method: &'a str,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The URL's query string without `?` (may be empty).
    pub query: &'a str,
    /// The request body, read by the host with the [`MAX_BODY_BYTES`] cap.
    pub body: &'a str,
    /// The `Authorization` header, if any (HTTP Basic client authentication).
    pub authorization: Option<&'a str>,
}

/// Parameters that carry credentials or the grant and so must never come from the URL.
const SECRET_PARAMS: [&str; 3] = ["assertion", "client_secret", "client_assertion"];
/// RFC 8707 allows `resource` more than once; R2 forbids repeating the others.
const KNOWN_PARAMS: [&str; 8] = [
    "grant_type",
    "assertion",
    "scope",
    "resource",
    "client_id",
    "client_secret",
    "client_assertion_type",
    "client_assertion",
];

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// application/x-www-form-urlencoded value decoding: `+` is a space, `%XX` a byte;
/// the result must be UTF-8. `None` on a broken escape or invalid UTF-8.
pub fn form_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex_value(bytes.next()?)?;
                let lo = hex_value(bytes.next()?)?;
                out.push(hi << 4 | lo);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

/// Decode a form body into (name, value) pairs; an empty value counts as
/// omitted (RFC 6749 §3.1).
pub fn parse_form(body: &str) -> Result<Vec<(String, String)>, RequestError> {
    let mut pairs = Vec::new();
    for part in body.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = form_decode(name)
            .ok_or_else(|| invalid_request("R5a", "the form body is not valid urlencoded utf-8"))?;
        let value = form_decode(value)
            .ok_or_else(|| invalid_request("R5a", "the form body is not valid urlencoded utf-8"))?;
        if !value.is_empty() {
            pairs.push((name, value));
        }
    }
    Ok(pairs)
}

fn one(pairs: &[(String, String)], name: &str) -> Result<Option<String>, RequestError> {
    let mut found = pairs.iter().filter(|(n, _)| n == name);
    let first = found.next().map(|(_, v)| v.clone());
    if found.next().is_some() {
        let rule = if name == "assertion" { "R2" } else { "R5a" };
        return Err(invalid_request(
            rule,
            format!("parameter {name} is repeated"),
        ));
    }
    Ok(first)
}

fn basic_credentials(header: &str) -> Result<Option<(String, String)>, RequestError> {
    let Some((scheme, rest)) = header.trim().split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let bad = || RequestError {
        status: 401,
        oauth_error: "invalid_client",
        description: "client authentication failed",
        reason: "the basic credentials are malformed".to_owned(),
        rule: "R3",
        basic_challenge: true,
    };
    let decoded = decode_b64_standard(rest.trim()).ok_or_else(bad)?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = text.split_once(':').ok_or_else(bad)?;
    // RFC 6749 §2.3.1: both halves are form-urlencoded before base64.
    let id = form_decode(id).ok_or_else(bad)?;
    let secret = form_decode(secret).ok_or_else(bad)?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok(Some((id, secret)))
}

fn decode_b64_standard(s: &str) -> Option<Vec<u8>> {
    let trimmed = s.trim_end_matches('=');
    if s.len() - trimmed.len() > 2 {
        return None;
    }
    let url_safe: String = trimmed
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    if url_safe.contains(['-', '_']) != trimmed.contains(['+', '/']) {
        return None;
    }
    crate::jose::jws::decode_b64url(&url_safe)
}

fn media_type_is_form(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

impl TokenRequest {
    /// R5a, R1, R2, R3 (one method): the request as the rules accept it.
    pub fn parse(raw: &RawTokenRequest) -> Result<TokenRequest, RequestError> {
        // R5a: POST with a form body; nothing secret from the URL.
        if raw.method != "POST" {
            return Err(RequestError {
                status: 405,
                ..invalid_request("R5a", format!("method {} is not POST", quote(raw.method)))
            });
        }
        let query = parse_form(raw.query)?;
        if let Some((name, _)) = query
            .iter()
            .find(|(n, _)| SECRET_PARAMS.contains(&n.as_str()))
        {
            return Err(invalid_request(
                "R5a",
                format!("parameter {name} must not be sent in the url"),
            ));
        }
        if !media_type_is_form(raw.content_type) {
            return Err(invalid_request(
                "R5a",
                "content-type must be application/x-www-form-urlencoded",
            ));
        }
        if raw.body.len() > MAX_BODY_BYTES {
            return Err(invalid_request("R5a", "the request body is too large"));
        }
        let pairs = parse_form(raw.body)?;
        for name in KNOWN_PARAMS {
            if name != "resource" {
                one(&pairs, name)?;
            }
        }
        // R1
        match one(&pairs, "grant_type")? {
            None => return Err(invalid_request("R1", "grant_type is missing")),
            Some(g) if g == JWT_BEARER => {}
            Some(g) => {
                return Err(RequestError {
                    status: 400,
                    oauth_error: "unsupported_grant_type",
                    description: "the grant type is not supported",
                    reason: format!("grant_type {} is not jwt-bearer", quote(&g)),
                    rule: "R1",
                    basic_challenge: false,
                });
            }
        }
        // R2: exactly one assertion holding one JWT (three dot-separated parts, no spaces).
        let assertion = one(&pairs, "assertion")?
            .ok_or_else(|| invalid_request("R2", "assertion is missing"))?;
        // (A JWE has five parts; the verifier gives it its own code, ERR_UNSUPPORTED.)
        let parts = assertion.split('.').count();
        if !(parts == 3 || parts == 5)
            || assertion.contains(|c: char| c.is_whitespace() || c == ',')
        {
            return Err(invalid_request("R2", "assertion is not a single jwt"));
        }
        let mut resources = pairs.iter().filter(|(n, _)| n == "resource");
        let resource = resources.next().map(|(_, v)| v.clone());
        if resources.next().is_some() {
            return Err(RequestError {
                oauth_error: "invalid_target",
                description: "the requested resource is not valid",
                ..invalid_request("R38", "one resource per token request")
            });
        }
        let credentials = Self::credentials(&pairs, raw.authorization)?;
        Ok(TokenRequest {
            assertion,
            scope: one(&pairs, "scope")?,
            resource,
            credentials,
        })
    }

    /// R3: at most one authentication method (RFC 6749 §2.3).
    fn credentials(
        pairs: &[(String, String)],
        authorization: Option<&str>,
    ) -> Result<ClientCredentials, RequestError> {
        let basic = match authorization {
            Some(h) => basic_credentials(h)?,
            None => None,
        };
        let client_id = one(pairs, "client_id")?;
        let secret = one(pairs, "client_secret")?;
        let assertion_type = one(pairs, "client_assertion_type")?;
        let assertion = one(pairs, "client_assertion")?;
        let methods = usize::from(basic.is_some())
            + usize::from(secret.is_some())
            + usize::from(assertion_type.is_some() || assertion.is_some());
        let two_methods = || RequestError {
            status: 400,
            oauth_error: "invalid_client",
            description: "client authentication failed",
            reason: "more than one client authentication method".to_owned(),
            rule: "R3",
            basic_challenge: false,
        };
        if methods > 1 {
            return Err(two_methods());
        }
        if let Some((id, secret)) = basic {
            if client_id.as_ref().is_some_and(|c| *c != id) {
                return Err(RequestError {
                    basic_challenge: true,
                    status: 401,
                    reason: "client_id differs from the basic credentials".to_owned(),
                    ..two_methods()
                });
            }
            return Ok(ClientCredentials::Basic {
                client_id: id,
                secret,
            });
        }
        if let Some(secret) = secret {
            let client_id = client_id
                .ok_or_else(|| invalid_request("R3", "client_secret without client_id"))?;
            return Ok(ClientCredentials::Post { client_id, secret });
        }
        if assertion_type.is_some() || assertion.is_some() {
            if assertion_type.as_deref() != Some(CLIENT_ASSERTION_JWT) {
                return Err(invalid_request(
                    "R3",
                    "client_assertion_type is not jwt-bearer",
                ));
            }
            let assertion =
                assertion.ok_or_else(|| invalid_request("R3", "client_assertion is missing"))?;
            return Ok(ClientCredentials::PrivateKeyJwt {
                client_id,
                assertion,
            });
        }
        Ok(ClientCredentials::None { client_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(body: &'a str, auth: Option<&'a str>) -> RawTokenRequest<'a> {
        RawTokenRequest {
            method: "POST",
            content_type: Some("application/x-www-form-urlencoded; charset=utf-8"),
            query: "",
            body,
            authorization: auth,
        }
    }

    const GT: &str = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";

    fn rule_of(body: &str, auth: Option<&str>) -> (&'static str, &'static str) {
        let e = TokenRequest::parse(&raw(body, auth)).unwrap_err();
        (e.oauth_error, e.rule)
    }

    #[test]
    fn parses_post_and_basic_credentials() {
        let body = format!(
            "{GT}&assertion=a.b.c&scope=files.read+files.write&client_id=c1&client_secret=s%2B1"
        );
        let r = TokenRequest::parse(&raw(&body, None)).unwrap();
        assert_eq!(r.scope.as_deref(), Some("files.read files.write"));
        assert_eq!(
            r.credentials,
            ClientCredentials::Post {
                client_id: "c1".into(),
                secret: "s+1".into()
            }
        );
        // "c%201:p%3Aw" base64 → id "c 1", secret "p:w"
        let body = format!("{GT}&assertion=a.b.c");
        let r = TokenRequest::parse(&raw(&body, Some("Basic YyUyMDE6cCUzQXc="))).unwrap();
        assert_eq!(
            r.credentials,
            ClientCredentials::Basic {
                client_id: "c 1".into(),
                secret: "p:w".into()
            }
        );
    }

    #[test]
    fn the_request_rules() {
        assert_eq!(rule_of("assertion=a.b.c", None), ("invalid_request", "R1"));
        assert_eq!(
            rule_of("grant_type=password&assertion=a.b.c", None),
            ("unsupported_grant_type", "R1")
        );
        assert_eq!(rule_of(GT, None), ("invalid_request", "R2"));
        assert_eq!(
            rule_of(&format!("{GT}&assertion="), None),
            ("invalid_request", "R2")
        );
        assert_eq!(
            rule_of(&format!("{GT}&assertion=a.b.c&assertion=a.b.c"), None),
            ("invalid_request", "R2")
        );
        assert_eq!(
            rule_of(&format!("{GT}&assertion=a.b"), None),
            ("invalid_request", "R2")
        );
        assert_eq!(
            rule_of(
                &format!("{GT}&assertion=a.b.c&client_id=c&client_secret=s"),
                Some("Basic Yzpz")
            ),
            ("invalid_client", "R3")
        );
        assert_eq!(
            rule_of(&format!("{GT}&assertion=a.b.c&x=%zz"), None),
            ("invalid_request", "R5a")
        );
        let body = format!("{GT}&assertion=a.b.c");
        let mut r = raw(&body, None);
        r.method = "GET";
        assert_eq!(TokenRequest::parse(&r).unwrap_err().status, 405);
        let mut r = raw(&body, None);
        r.content_type = Some("application/json");
        assert_eq!(TokenRequest::parse(&r).unwrap_err().rule, "R5a");
        let mut r = raw(&body, None);
        r.query = "assertion=a.b.c";
        assert_eq!(TokenRequest::parse(&r).unwrap_err().rule, "R5a");
    }
}
