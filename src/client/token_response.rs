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

/// A response the client accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// The ID-JAG, or the access token.
    pub token: String,
    /// `Bearer` or `DPoP` (an access token); none for an ID-JAG, whose `token_type` is `N_A`.
    pub token_type: Option<&'static str>,
    /// The granted scope: `scope` when sent, else the requested one (C5).
    pub scope: Option<String>,
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

fn violation(message: String, status: u16, rule: &'static str) -> Refusal {
    Refusal {
        error: "invalid_response".to_owned(),
        error_description: None,
        error_uri: None,
        status,
        rule: Some(rule),
        message,
    }
}

/// A member's value for a message: a string JSON-quoted and clipped to 64 characters, else
/// its JS `typeof` (`nothing` when absent), so no token or secret is ever repeated.
fn quote(value: Option<&Value>) -> String {
    match value {
        None => "nothing".to_owned(),
        Some(Value::String(s)) => serde_json::to_string(&clip(s, 64)).unwrap_or_default(),
        Some(Value::Bool(_)) => "boolean".to_owned(),
        Some(Value::Number(_)) => "number".to_owned(),
        Some(_) => "object".to_owned(),
    }
}

fn string_member<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    match body.get(name) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// C1, RFC 6749 §5.2: the server's error when it sent one, else `invalid_response`.
fn error_response(status: u16, body: Option<&Map<String, Value>>, endpoint: &str) -> Refusal {
    let error = body.and_then(|b| string_member(b, "error").map(|e| (b, e)));
    match error {
        Some((body, error)) if !error.is_empty() => {
            let error = clip(error, 64);
            let description = string_member(body, "error_description").map(|d| clip(d, 200));
            let mut message = format!("{endpoint} refused the request: {error}");
            if let Some(d) = description.as_deref().filter(|d| !d.is_empty()) {
                message.push_str(" (");
                message.push_str(d);
                message.push(')');
            }
            Refusal {
                error,
                error_description: description,
                error_uri: string_member(body, "error_uri").map(|u| clip(u, 200)),
                status,
                rule: None,
                message,
            }
        }
        _ => violation(
            format!(
                "{endpoint} answered http {} without an oauth error",
                usize::from(status)
            ),
            status,
            "C1",
        ),
    }
}

/// Checks a token endpoint's response: `status` is its HTTP status, `body` its JSON object
/// (none when the body is not one), `requested_scope` the `scope` the request sent.
///
/// C1: anything but HTTP 200, and an error object sent with HTTP 200 (a protocol violation, but
/// unambiguous), is the server's error. C2 `issued_token_type` is the ID-JAG's; C3 `access_token`
/// is a non-empty string, for an ID-JAG of 3 (JWS) or 5 (JWE) parts; C4 `token_type` is `N_A`
/// (an access token's `Bearer` or `DPoP`), case-insensitively; C7 `expires_in`, when sent, is a
/// positive number; C5 `scope`, when sent, is a string, and absent means as requested.
pub(crate) fn check_token_response(
    kind: TokenKind,
    status: u16,
    body: Option<&Map<String, Value>>,
    requested_scope: Option<&str>,
) -> Result<Accepted, Refusal> {
    let endpoint = kind.endpoint();
    let error_object = body
        .is_some_and(|b| string_member(b, "error").is_some() && !b.contains_key("access_token"));
    if status != 200 || error_object {
        return Err(error_response(status, body, endpoint));
    }
    let Some(body) = body else {
        return Err(violation(
            format!("{endpoint} answered http 200 without a json object"),
            status,
            kind.rule("C1"),
        ));
    };
    if kind == TokenKind::IdJag
        && string_member(body, "issued_token_type") != Some(TOKEN_TYPE_ID_JAG)
    {
        return Err(violation(
            format!(
                "issued_token_type is {}, not {TOKEN_TYPE_ID_JAG}",
                quote(body.get("issued_token_type"))
            ),
            status,
            "C2",
        ));
    }
    let token = match string_member(body, "access_token") {
        Some(t) if !t.is_empty() => t,
        _ => {
            let message = match kind {
                TokenKind::IdJag => "access_token (the grant) is missing or empty",
                TokenKind::AccessToken => "access_token is missing or empty",
            };
            return Err(violation(message.to_owned(), status, kind.rule("C3")));
        }
    };
    if kind == TokenKind::IdJag && !matches!(token.split('.').count(), 3 | 5) {
        return Err(violation(
            "access_token (the grant) is not a compact JWS or JWE".to_owned(),
            status,
            "C3",
        ));
    }
    // No character outside ASCII lower-cases to one of these names (the Kelvin sign's `k` is in
    // none), so an ASCII comparison is the case-insensitive one.
    let token_type = string_member(body, "token_type");
    let is = |name: &str| token_type.is_some_and(|t| t.eq_ignore_ascii_case(name));
    let token_type = match kind {
        TokenKind::IdJag if is("n_a") => None,
        TokenKind::AccessToken if is("bearer") => Some("Bearer"),
        TokenKind::AccessToken if is("dpop") => Some("DPoP"),
        _ => {
            let expected = match kind {
                TokenKind::IdJag => "N_A",
                TokenKind::AccessToken => "Bearer or DPoP",
            };
            return Err(violation(
                format!(
                    "token_type is {}, not {expected}",
                    quote(body.get("token_type"))
                ),
                status,
                kind.rule("C4"),
            ));
        }
    };
    // The caller keeps `expires_in` as sent: accepted means a positive number.
    match body.get("expires_in") {
        None => {}
        Some(Value::Number(n)) if n.as_f64().is_some_and(|f| f.is_finite() && f > 0.0) => {}
        Some(_) => {
            return Err(violation(
                "expires_in is not a positive number".to_owned(),
                status,
                kind.rule("C7"),
            ));
        }
    }
    let scope = match body.get("scope") {
        None => requested_scope.map(str::to_owned),
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(violation(
                "scope is not a string".to_owned(),
                status,
                kind.rule("C5"),
            ));
        }
    };
    Ok(Accepted {
        token: token.to_owned(),
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
    ) -> Result<Accepted, Refusal> {
        let body = match body {
            Value::Object(m) => Some(m),
            _ => None,
        };
        check_token_response(kind, status, body.as_ref(), scope)
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

    fn refused(r: Result<Accepted, Refusal>) -> (String, Option<&'static str>, String) {
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
