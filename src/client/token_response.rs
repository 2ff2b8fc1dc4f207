//! A token endpoint's answer as the client checks it: the ID-JAG from the IdP's RFC 8693 token
//! exchange (docs/rules.md C1–C5, C7) or the access token from the MCP authorization server's
//! RFC 7523 jwt-bearer grant (RFC 6749 §5.1). One check, two kinds: the same members, with the
//! ID-JAG's `issued_token_type`, JWS/JWE shape and `token_type` `N_A` on top.
//!
//! A refusal says which rule the response breaks and how, never with the token: the caller
//! renders the server's own error, and a quoted member's value, for its message.

use serde_json::{Map, Value};

/// RFC 8693 `issued_token_type` of an ID-JAG (C2).
pub(crate) const TOKEN_TYPE_ID_JAG: &str = "urn:ietf:params:oauth:token-type:id-jag";

/// Which token the response must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The IdP's RFC 8693 token exchange: an ID-JAG.
    IdJag,
    /// The MCP authorization server's RFC 7523 jwt-bearer grant: an access token.
    AccessToken,
}

impl TokenKind {
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
pub struct Accepted<'a> {
    /// The ID-JAG, or the access token.
    pub token: &'a str,
    /// `Bearer` or `DPoP` (an access token); none for an ID-JAG, whose `token_type` is `N_A`.
    pub token_type: Option<&'static str>,
    /// The granted scope: `scope` when sent, else the requested one (C5). The response's
    /// `expires_in`, when sent, is a positive number (C7): the caller keeps it as sent.
    pub scope: Option<&'a str>,
}

/// A response the client refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal<'a> {
    /// The server's own OAuth error (RFC 6749 §5.2): its body's `error` (a non-empty string),
    /// `error_description` and `error_uri` say what it is.
    Server,
    /// `invalid_response`: the response breaks `rule`, as `message` says. `{}` in the message
    /// stands for the value of the body's member `quoted`, which the caller renders (quoted
    /// and clipped, or its type: never a secret).
    Broken {
        /// The rulebook id, or `RFC 6749 §5.1` for an access-token response.
        rule: &'static str,
        /// What is wrong.
        message: String,
        /// The member whose value `{}` stands for.
        quoted: Option<&'a str>,
    },
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

/// Checks a token endpoint's response: `status` is its HTTP status, `body` its JSON object
/// (none when the body is not one), `requested_scope` the `scope` the request sent.
///
/// C1: anything but HTTP 200, and an error object sent with HTTP 200 (a protocol violation, but
/// unambiguous), is the server's error, when its `error` is a non-empty string. C2
/// `issued_token_type` is the ID-JAG's; C3 `access_token` is a non-empty string, for an ID-JAG
/// of 3 (JWS) or 5 (JWE) parts; C4 `token_type` is `N_A` (an access token's `Bearer` or `DPoP`),
/// case-insensitively; C7 `expires_in`, when sent, is a positive number; C5 `scope`, when sent,
/// is a string, and absent means as requested.
pub fn check_token_response<'a>(
    kind: TokenKind,
    status: u16,
    body: Option<&'a Map<String, Value>>,
    requested_scope: Option<&'a str>,
) -> Result<Accepted<'a>, Refusal<'a>> {
    let endpoint = kind.endpoint();
    let id_jag = kind == TokenKind::IdJag;
    let error = body.and_then(|b| string_member(b, "error"));
    let error_object = error.is_some() && body.and_then(|b| member(b, "access_token")).is_none();
    // Every refusal below is built here (one place: the verifier build stays small).
    let broken = |rule, head: &str, quoted, tail: &str| {
        let head = if head.is_empty() { endpoint } else { head };
        Err(Refusal::Broken {
            rule: kind.rule(rule),
            message: [head, tail].concat(),
            quoted,
        })
    };
    if status != 200 || error_object {
        if error.is_some_and(|e| !e.is_empty()) {
            return Err(Refusal::Server);
        }
        let tail = format!(
            " answered http {} without an oauth error",
            usize::from(status)
        );
        // Not `rule`'s mapping: a response without an OAuth error breaks C1 at either endpoint.
        return Err(Refusal::Broken {
            rule: "C1",
            message: [endpoint, &tail].concat(),
            quoted: None,
        });
    }
    // An empty head is the endpoint's name.
    let Some(body) = body else {
        return broken("C1", "", None, " answered http 200 without a json object");
    };
    if id_jag && string_member(body, "issued_token_type") != Some(TOKEN_TYPE_ID_JAG) {
        let tail = "{}, not urn:ietf:params:oauth:token-type:id-jag";
        return broken(
            "C2",
            "issued_token_type is ",
            Some("issued_token_type"),
            tail,
        );
    }
    let token = match string_member(body, "access_token") {
        Some(t) if !t.is_empty() => t,
        _ if id_jag => {
            return broken(
                "C3",
                "access_token (the grant) is missing or empty",
                None,
                "",
            );
        }
        _ => return broken("C3", "access_token is missing or empty", None, ""),
    };
    if id_jag && !matches!(token.split('.').count(), 3 | 5) {
        let head = "access_token (the grant) is not a compact JWS or JWE";
        return broken("C3", head, None, "");
    }
    // No character outside ASCII lower-cases to one of these names (the Kelvin sign's `k` is in
    // none), so an ASCII comparison is the case-insensitive one.
    let token_type = string_member(body, "token_type");
    let is = |name: &str| same_ascii(token_type, name);
    let (token_type, expected) = match kind {
        TokenKind::IdJag => (None, if is("n_a") { "" } else { "{}, not N_A" }),
        TokenKind::AccessToken if is("bearer") => (Some("Bearer"), ""),
        TokenKind::AccessToken if is("dpop") => (Some("DPoP"), ""),
        TokenKind::AccessToken => (None, "{}, not Bearer or DPoP"),
    };
    if !expected.is_empty() {
        return broken("C4", "token_type is ", Some("token_type"), expected);
    }
    let positive = |v: &Value| v.as_f64().is_some_and(|f| f.is_finite() && f > 0.0);
    if member(body, "expires_in").is_some_and(|v| !positive(v)) {
        return broken("C7", "expires_in is not a positive number", None, "");
    }
    let scope = match member(body, "scope") {
        None => requested_scope,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return broken("C5", "scope is not a string", None, ""),
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

    #[derive(Debug, PartialEq)]
    enum Out {
        Ok(String, Option<&'static str>, Option<String>),
        Server,
        Broken(&'static str, String, Option<String>),
    }

    fn check(kind: TokenKind, status: u16, body: Value, scope: Option<&str>) -> Out {
        let body = match body {
            Value::Object(m) => Some(m),
            _ => None,
        };
        match check_token_response(kind, status, body.as_ref(), scope) {
            Ok(a) => Out::Ok(a.token.into(), a.token_type, a.scope.map(Into::into)),
            Err(Refusal::Server) => Out::Server,
            Err(Refusal::Broken {
                rule,
                message,
                quoted,
            }) => Out::Broken(rule, message, quoted.map(Into::into)),
        }
    }

    fn broken(rule: &'static str, message: &str, quoted: Option<&str>) -> Out {
        Out::Broken(rule, message.into(), quoted.map(Into::into))
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

    #[test]
    fn accepts_an_id_jag_with_the_requested_scope_when_none_is_sent() {
        let with = |extra, scope| check(TokenKind::IdJag, 200, id_jag(extra), scope);
        // C5: absent means as requested.
        assert_eq!(
            with(json!({"expires_in": 300}), Some("a b")),
            Out::Ok(GRANT.into(), None, Some("a b".into()))
        );
        assert_eq!(
            with(json!({"scope": "a", "token_type": "n_a"}), Some("a b")),
            Out::Ok(GRANT.into(), None, Some("a".into()))
        );
        assert_eq!(
            with(
                json!({"access_token": "a.b.c.d.e", "expires_in": 0.5}),
                None
            ),
            Out::Ok("a.b.c.d.e".into(), None, None)
        );
    }

    #[test]
    fn c1_error_responses_and_non_objects() {
        let ij = |status, body| check(TokenKind::IdJag, status, body, None);
        assert_eq!(ij(400, json!({"error": "invalid_grant"})), Out::Server);
        // An error object with HTTP 200 is the server's error; with an access token it is not one.
        assert_eq!(ij(200, json!({"error": "access_denied"})), Out::Server);
        assert_eq!(
            check(TokenKind::AccessToken, 200, json!({"error": "x"}), None),
            Out::Server
        );
        assert_eq!(
            ij(200, id_jag(json!({"error": "x"}))),
            Out::Ok(GRANT.into(), None, None)
        );
        assert_eq!(
            ij(500, json!("oops")),
            broken(
                "C1",
                "the token exchange endpoint answered http 500 without an oauth error",
                None
            )
        );
        assert_eq!(
            ij(200, json!({"error": ""})),
            broken(
                "C1",
                "the token exchange endpoint answered http 200 without an oauth error",
                None
            )
        );
        assert_eq!(
            ij(200, json!([1])),
            broken(
                "C1",
                "the token exchange endpoint answered http 200 without a json object",
                None
            )
        );
        assert_eq!(
            check(TokenKind::AccessToken, 503, json!({}), None),
            broken(
                "C1",
                "the authorization server answered http 503 without an oauth error",
                None
            )
        );
        assert_eq!(
            check(TokenKind::AccessToken, 200, Value::Null, None),
            broken(
                "RFC 6749 §5.1",
                "the authorization server answered http 200 without a json object",
                None
            )
        );
    }

    #[test]
    fn c2_to_c7_each_refused() {
        let cases = [
            (
                json!({"issued_token_type": "urn:x"}),
                "C2",
                "issued_token_type is {}, not urn:ietf:params:oauth:token-type:id-jag",
                Some("issued_token_type"),
            ),
            (
                json!({"issued_token_type": 7}),
                "C2",
                "issued_token_type is {}, not urn:ietf:params:oauth:token-type:id-jag",
                Some("issued_token_type"),
            ),
            (
                json!({"access_token": ""}),
                "C3",
                "access_token (the grant) is missing or empty",
                None,
            ),
            (
                json!({"access_token": 5}),
                "C3",
                "access_token (the grant) is missing or empty",
                None,
            ),
            (
                json!({"access_token": "a.b"}),
                "C3",
                "access_token (the grant) is not a compact JWS or JWE",
                None,
            ),
            (
                json!({"access_token": "a.b.c.d"}),
                "C3",
                "access_token (the grant) is not a compact JWS or JWE",
                None,
            ),
            (
                json!({"token_type": "Bearer"}),
                "C4",
                "token_type is {}, not N_A",
                Some("token_type"),
            ),
            (
                json!({"token_type": null}),
                "C4",
                "token_type is {}, not N_A",
                Some("token_type"),
            ),
            (
                json!({"expires_in": 0}),
                "C7",
                "expires_in is not a positive number",
                None,
            ),
            (
                json!({"expires_in": -1.5}),
                "C7",
                "expires_in is not a positive number",
                None,
            ),
            (
                json!({"expires_in": "60"}),
                "C7",
                "expires_in is not a positive number",
                None,
            ),
            (json!({"scope": ["a"]}), "C5", "scope is not a string", None),
            (json!({"scope": null}), "C5", "scope is not a string", None),
        ];
        for (extra, rule, message, quoted) in cases {
            assert_eq!(
                check(TokenKind::IdJag, 200, id_jag(extra.clone()), None),
                broken(rule, message, quoted),
                "{extra}"
            );
        }
    }

    #[test]
    fn access_tokens_are_bearer_or_dpop() {
        let body =
            |tt: &str| json!({"access_token": "opaque", "token_type": tt, "expires_in": 1.5});
        let at = |body, scope| check(TokenKind::AccessToken, 200, body, scope);
        assert_eq!(
            at(body("bEaReR"), Some("s")),
            Out::Ok("opaque".into(), Some("Bearer"), Some("s".into()))
        );
        assert_eq!(
            at(body("DPOP"), None),
            Out::Ok("opaque".into(), Some("DPoP"), None)
        );
        let rfc = "RFC 6749 §5.1";
        assert_eq!(
            at(body("N_A"), None),
            broken(
                rfc,
                "token_type is {}, not Bearer or DPoP",
                Some("token_type")
            )
        );
        assert_eq!(
            at(json!({"token_type": "Bearer"}), None),
            broken(rfc, "access_token is missing or empty", None)
        );
        assert_eq!(
            at(
                json!({"access_token": "t", "token_type": "Bearer", "scope": 1}),
                None
            ),
            broken(rfc, "scope is not a string", None)
        );
    }
}
