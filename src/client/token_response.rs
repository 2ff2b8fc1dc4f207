//! A token endpoint's answer as the client checks it: the ID-JAG from the IdP's RFC 8693 token
//! exchange (docs/rules.md C1–C5, C7) or the access token from the MCP authorization server's
//! RFC 7523 jwt-bearer grant (RFC 6749 §5.1). One check, two kinds: the same members, with the
//! ID-JAG's `issued_token_type`, JWS/JWE shape and `token_type` `N_A` on top.
//!
//! A refusal carries what the JS `OAuthResponseError` is built from, and never the token.

use serde_json::{Map, Value};

use super::clip;

/// RFC 8693 `issued_token_type` of an ID-JAG (C2).
pub(crate) const TOKEN_TYPE_ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";

/// Which token the response must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The IdP's RFC 8693 token exchange: an ID-JAG.
    IdJag,
    /// The MCP authorization server's RFC 7523 jwt-bearer grant: an access token.
    AccessToken,
}

impl TokenKind {
    /// `"id-jag"` or `"access-token"` (the wasm export's argument).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "id-jag" => Some(Self::IdJag),
            "access-token" => Some(Self::AccessToken),
            _ => None,
        }
    }

    fn endpoint(self) -> &'static str {
        match self {
            Self::IdJag => "the token exchange endpoint",
            Self::AccessToken => "the authorization server",
        }
    }

    /// The rule a broken response breaks: the rulebook's for the ID-JAG, RFC 6749 §5.1 else.
    fn rule(self, id_jag: &'static str) -> &'static str {
        match self {
            Self::IdJag => id_jag,
            Self::AccessToken => "RFC 6749 §5.1",
        }
    }
}

/// A response the client accepts (borrowed from the response and the request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted<'a> {
    /// The ID-JAG, or the access token.
    pub token: &'a str,
    /// `Bearer` or `DPoP` (an access token); none for an ID-JAG, whose `token_type` is `N_A`.
    pub token_type: Option<&'static str>,
    /// The granted scope: `scope` when sent, else the requested one (C5). The response's
    /// `expires_in`, when sent, is a positive number (C7): the caller keeps it as sent.
    pub scope: Option<&'a str>,
}

/// A response the client refuses: the server's OAuth error (RFC 6749 §5.2), or
/// `invalid_response` with the rule the response breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The server's `error` (at most 64 characters), or `invalid_response`.
    pub error: String,
    /// The server's `error_description`, clipped.
    pub error_description: Option<String>,
    /// The server's `error_uri`, clipped.
    pub error_uri: Option<String>,
    /// The HTTP status of the response.
    pub status: u16,
    /// The rule the response breaks (none for the server's own OAuth error).
    pub rule: Option<&'static str>,
    /// What went wrong, for the error's message.
    pub message: String,
}

/// `invalid_response`, the message in parts (one concatenation for every message: the
/// verifier build stays small).
#[inline(never)]
fn violation(status: u16, rule: &'static str, parts: &[&str]) -> Refusal {
    Refusal {
        error: String::from("invalid_response"),
        error_description: None,
        error_uri: None,
        status,
        rule: Some(rule),
        message: parts.concat(),
    }
}

/// A member's value for a message: a string JSON-quoted and clipped to 64 characters, else
/// its JS `typeof` (`nothing` when absent), so no token or secret is ever repeated.
#[inline(never)]
fn quote(value: Option<&Value>) -> String {
    let kind = match value {
        None => "nothing",
        Some(Value::String(s)) => {
            // JSON.stringify's quoting: clip left no control character to escape.
            let mut out = vec![b'"'];
            for &b in clip(s, 64).as_bytes() {
                if b == b'"' || b == b'\\' {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'"');
            return String::from_utf8(out).unwrap_or_default();
        }
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(_) => "object",
    };
    String::from(kind)
}

// One lookup for every member, not inlined at each (the verifier build stays small).
#[inline(never)]
fn member<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.get(name)
}

fn string_member<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    member(body, name).and_then(Value::as_str)
}

#[inline(never)]
fn same_ascii(value: Option<&str>, name: &str) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case(name))
}

/// C1, RFC 6749 §5.2: the server's error when it sent one, else `invalid_response`.
fn error_response(status: u16, body: Option<&Map<String, Value>>, endpoint: &str) -> Refusal {
    let error = body.and_then(|b| string_member(b, "error").map(|e| (b, e)));
    match error {
        Some((body, error)) if !error.is_empty() => {
            let error = clip(error, 64);
            let description = string_member(body, "error_description").map(|d| clip(d, 200));
            let (open, d, close) = match description.as_deref() {
                Some(d) if !d.is_empty() => (" (", d, ")"),
                _ => ("", "", ""),
            };
            Refusal {
                message: [endpoint, " refused the request: ", &error, open, d, close].concat(),
                error,
                error_description: description,
                error_uri: string_member(body, "error_uri").map(|u| clip(u, 200)),
                status,
                rule: None,
            }
        }
        _ => violation(
            status,
            "C1",
            &[
                endpoint,
                " answered http ",
                &format!("{}", usize::from(status)),
                " without an oauth error",
            ],
        ),
    }
}

/// A broken response: the rule, and the message as `head`, the quoted member (when
/// `quoted`), `tail`.
struct Broken<'a> {
    rule: &'static str,
    head: &'static str,
    quoted: Option<Option<&'a Value>>,
    tail: &'static str,
}

/// Checks a token endpoint's response: `status` is its HTTP status, `body` its JSON object
/// (none when the body is not one), `requested_scope` the `scope` the request sent.
///
/// C1: anything but HTTP 200, and an error object sent with HTTP 200 (a protocol violation, but
/// unambiguous), is the server's error. C2 `issued_token_type` is the ID-JAG's; C3 `access_token`
/// is a non-empty string, for an ID-JAG of 3 (JWS) or 5 (JWE) parts; C4 `token_type` is `N_A`
/// (an access token's `Bearer` or `DPoP`), case-insensitively; C7 `expires_in`, when sent, is a
/// positive number; C5 `scope`, when sent, is a string, and absent means as requested.
pub(crate) fn check_token_response<'a>(
    kind: TokenKind,
    status: u16,
    body: Option<&'a Map<String, Value>>,
    requested_scope: Option<&'a str>,
) -> Result<Accepted<'a>, Refusal> {
    let endpoint = kind.endpoint();
    let error_object = body.is_some_and(|b| {
        string_member(b, "error").is_some() && member(b, "access_token").is_none()
    });
    if status != 200 || error_object {
        return Err(error_response(status, body, endpoint));
    }
    // One place builds every message (the verifier build stays small).
    check_body(kind, body, requested_scope).map_err(|b| {
        let quoted = b.quoted.map(quote).unwrap_or_default();
        let head = if b.head.is_empty() { endpoint } else { b.head };
        violation(status, kind.rule(b.rule), &[head, &quoted, b.tail])
    })
}

fn check_body<'a>(
    kind: TokenKind,
    body: Option<&'a Map<String, Value>>,
    requested_scope: Option<&'a str>,
) -> Result<Accepted<'a>, Broken<'a>> {
    let broken = |rule, head, quoted, tail| Broken {
        rule,
        head,
        quoted,
        tail,
    };
    let id_jag = kind == TokenKind::IdJag;
    // An empty head is the endpoint's name.
    let Some(body) = body else {
        return Err(broken(
            "C1",
            "",
            None,
            " answered http 200 without a json object",
        ));
    };
    if id_jag && string_member(body, "issued_token_type") != Some(TOKEN_TYPE_ID_JAG) {
        let got = Some(member(body, "issued_token_type"));
        let tail = ", not urn:ietf:params:oauth:token-type:id-jag";
        return Err(broken("C2", "issued_token_type is ", got, tail));
    }
    let token = match string_member(body, "access_token") {
        Some(t) if !t.is_empty() => t,
        _ if id_jag => {
            let head = "access_token (the grant) is missing or empty";
            return Err(broken("C3", head, None, ""));
        }
        _ => return Err(broken("C3", "access_token is missing or empty", None, "")),
    };
    if id_jag && !matches!(token.split('.').count(), 3 | 5) {
        let head = "access_token (the grant) is not a compact JWS or JWE";
        return Err(broken("C3", head, None, ""));
    }
    // No character outside ASCII lower-cases to one of these names (the Kelvin sign's `k` is in
    // none), so an ASCII comparison is the case-insensitive one.
    let token_type = string_member(body, "token_type");
    let is = |name: &str| same_ascii(token_type, name);
    let (token_type, expected) = match kind {
        TokenKind::IdJag => (None, if is("n_a") { "" } else { ", not N_A" }),
        TokenKind::AccessToken if is("bearer") => (Some("Bearer"), ""),
        TokenKind::AccessToken if is("dpop") => (Some("DPoP"), ""),
        TokenKind::AccessToken => (None, ", not Bearer or DPoP"),
    };
    if !expected.is_empty() {
        let got = Some(member(body, "token_type"));
        return Err(broken("C4", "token_type is ", got, expected));
    }
    let positive = |v: &Value| v.as_f64().is_some_and(|f| f.is_finite() && f > 0.0);
    if member(body, "expires_in").is_some_and(|v| !positive(v)) {
        return Err(broken(
            "C7",
            "expires_in is not a positive number",
            None,
            "",
        ));
    }
    let scope = match member(body, "scope") {
        None => requested_scope,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(broken("C5", "scope is not a string", None, "")),
    };
    Ok(Accepted {
        token,
        token_type,
        scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GRANT: &str = "eyJh.eyJi.c2ln";

    fn check(
        kind: TokenKind,
        status: u16,
        body: Value,
        scope: Option<&str>,
    ) -> Result<Owned, Refusal> {
        let body = match body {
            Value::Object(m) => Some(m),
            _ => None,
        };
        check_token_response(kind, status, body.as_ref(), scope).map(|a| Owned {
            token: a.token.to_owned(),
            token_type: a.token_type,
            scope: a.scope.map(str::to_owned),
        })
    }

    #[derive(Debug)]
    struct Owned {
        token: String,
        token_type: Option<&'static str>,
        scope: Option<String>,
    }

    fn id_jag(extra: Value) -> Value {
        let mut body = json!({
            "issued_token_type": TOKEN_TYPE_ID_JAG, "access_token": GRANT, "token_type": "N_A",
        });
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        body
    }

    fn refused(r: Result<Owned, Refusal>) -> (String, Option<&'static str>, String) {
        let r = r.unwrap_err();
        (r.error, r.rule, r.message)
    }

    #[test]
    fn accepts_an_id_jag_with_the_requested_scope_when_none_is_sent() {
        let ok = check(
            TokenKind::IdJag,
            200,
            id_jag(json!({"expires_in": 300})),
            Some("a b"),
        )
        .unwrap();
        assert_eq!(ok.token, GRANT);
        assert_eq!(ok.token_type, None);
        assert_eq!(ok.scope.as_deref(), Some("a b")); // C5
        let ok = check(
            TokenKind::IdJag,
            200,
            id_jag(json!({"scope": "a", "token_type": "n_a"})),
            Some("a b"),
        )
        .unwrap();
        assert_eq!(ok.scope.as_deref(), Some("a"));
        let five = id_jag(json!({"access_token": "a.b.c.d.e"}));
        assert!(check(TokenKind::IdJag, 200, five, None).is_ok());
    }

    #[test]
    fn c1_error_responses_and_non_objects() {
        let e = check(TokenKind::IdJag, 400, json!({"error": "invalid_grant", "error_description": "bad\nthing", "error_uri": "https://e"}), None).unwrap_err();
        assert_eq!(e.error, "invalid_grant");
        assert_eq!(e.error_description.as_deref(), Some("bad thing"));
        assert_eq!(e.error_uri.as_deref(), Some("https://e"));
        assert_eq!(e.rule, None);
        assert_eq!(e.status, 400);
        assert_eq!(
            e.message,
            "the token exchange endpoint refused the request: invalid_grant (bad thing)"
        );
        // An error object with HTTP 200 is the server's error.
        let e = check(
            TokenKind::AccessToken,
            200,
            json!({"error": "invalid_client"}),
            None,
        )
        .unwrap_err();
        assert_eq!(
            (e.error.as_str(), e.status, e.message.as_str()),
            (
                "invalid_client",
                200,
                "the authorization server refused the request: invalid_client"
            )
        );
        assert_eq!(
            refused(check(TokenKind::IdJag, 500, json!("oops"), None)),
            (
                "invalid_response".into(),
                Some("C1"),
                "the token exchange endpoint answered http 500 without an oauth error".into()
            )
        );
        assert_eq!(
            refused(check(TokenKind::IdJag, 200, json!({"error": ""}), None)),
            (
                "invalid_response".into(),
                Some("C1"),
                "the token exchange endpoint answered http 200 without an oauth error".into()
            )
        );
        assert_eq!(
            refused(check(TokenKind::IdJag, 200, json!([1]), None)),
            (
                "invalid_response".into(),
                Some("C1"),
                "the token exchange endpoint answered http 200 without a json object".into()
            )
        );
        assert_eq!(
            refused(check(TokenKind::AccessToken, 200, Value::Null, None)).1,
            Some("RFC 6749 §5.1")
        );
        // A long error is clipped to 64 characters.
        let e = check(
            TokenKind::IdJag,
            400,
            json!({"error": "e".repeat(100)}),
            None,
        )
        .unwrap_err();
        assert_eq!(e.error, format!("{}…", "e".repeat(64)));
    }

    #[test]
    fn c2_to_c7_each_refused() {
        let cases = [
            (
                json!({"issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}),
                "C2",
                "issued_token_type is \"urn:ietf:params:oauth:token-type:access_token\", not urn:ietf:params:oauth:token-type:id-jag",
            ),
            (
                json!({"issued_token_type": 7}),
                "C2",
                "issued_token_type is number, not urn:ietf:params:oauth:token-type:id-jag",
            ),
            (
                json!({"access_token": ""}),
                "C3",
                "access_token (the grant) is missing or empty",
            ),
            (
                json!({"access_token": "a.b"}),
                "C3",
                "access_token (the grant) is not a compact JWS or JWE",
            ),
            (
                json!({"token_type": "Bearer"}),
                "C4",
                "token_type is \"Bearer\", not N_A",
            ),
            (
                json!({"token_type": null}),
                "C4",
                "token_type is object, not N_A",
            ),
            (
                json!({"expires_in": 0}),
                "C7",
                "expires_in is not a positive number",
            ),
            (
                json!({"expires_in": "60"}),
                "C7",
                "expires_in is not a positive number",
            ),
            (json!({"scope": ["a"]}), "C5", "scope is not a string"),
        ];
        for (extra, rule, message) in cases {
            let (error, r, m) = refused(check(TokenKind::IdJag, 200, id_jag(extra), None));
            assert_eq!(
                (error.as_str(), r, m.as_str()),
                ("invalid_response", Some(rule), message)
            );
        }
        let mut missing = id_jag(json!({}));
        missing.as_object_mut().unwrap().remove("token_type");
        assert_eq!(
            refused(check(TokenKind::IdJag, 200, missing, None)).2,
            "token_type is nothing, not N_A"
        );
    }

    #[test]
    fn access_tokens_are_bearer_or_dpop() {
        let body =
            |tt: &str| json!({"access_token": "opaque", "token_type": tt, "expires_in": 1.5});
        let ok = check(TokenKind::AccessToken, 200, body("bEaReR"), Some("s")).unwrap();
        assert_eq!(
            (ok.token.as_str(), ok.token_type, ok.scope.as_deref()),
            ("opaque", Some("Bearer"), Some("s"))
        );
        assert_eq!(
            check(TokenKind::AccessToken, 200, body("DPOP"), None)
                .unwrap()
                .token_type,
            Some("DPoP")
        );
        assert_eq!(
            refused(check(TokenKind::AccessToken, 200, body("N_A"), None)),
            (
                "invalid_response".into(),
                Some("RFC 6749 §5.1"),
                "token_type is \"N_A\", not Bearer or DPoP".into()
            )
        );
        assert_eq!(
            refused(check(
                TokenKind::AccessToken,
                200,
                json!({"token_type": "Bearer"}),
                None
            ))
            .2,
            "access_token is missing or empty"
        );
    }

    #[test]
    fn quoted_values_are_json_strings_clipped_to_64() {
        let long = format!("\"q\"\u{1}{}", "x".repeat(100));
        let q = quote(Some(&Value::String(long)));
        assert_eq!(q, format!("\"\\\"q\\\" {}…\"", "x".repeat(60)));
    }
}
