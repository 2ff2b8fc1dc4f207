//! The client helpers' check of a token endpoint's answer (`check_token_response`, C1–C5, C7 and
//! RFC 6749 §5.1) on arbitrary responses: the first byte picks the kind and the HTTP status, the
//! rest is the body. No panic, no hang; an accepted response is exactly what the rules allow.
use idjag::internals::{Accepted, Refusal, TokenKind, check_token_response, parse_object};
use serde_json::Value;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&head, rest)) = data.split_first() else {
            return;
        };
        let kind = if head & 1 == 0 {
            TokenKind::IdJag
        } else {
            TokenKind::AccessToken
        };
        let status = [200u16, 200, 200, 400, 401, 500, 302, 204][usize::from(head >> 1) % 8];
        let body = parse_object(rest).ok();
        match check_token_response(kind, status, body.as_ref(), Some("requested")) {
            Ok(Accepted {
                token,
                token_type,
                scope,
            }) => {
                let b = body.as_ref().expect("accepted without a body");
                assert_eq!(status, 200, "accepted a non-200");
                assert_eq!(b.get("access_token").and_then(Value::as_str), Some(token));
                assert!(!token.is_empty(), "accepted an empty token");
                match kind {
                    TokenKind::IdJag => {
                        let dots = token.matches('.').count();
                        assert!(dots == 2 || dots == 4, "an ID-JAG of {} parts", dots + 1);
                        assert!(token_type.is_none());
                    }
                    TokenKind::AccessToken => {
                        assert!(matches!(token_type, Some("Bearer" | "DPoP")))
                    }
                }
                match b.get("scope") {
                    None => assert_eq!(scope, Some("requested")),
                    Some(v) => {
                        assert_eq!(Some(v), scope.map(|s| Value::String(s.to_owned())).as_ref())
                    }
                }
                if let Some(e) = b.get("expires_in") {
                    assert!(
                        e.as_f64().is_some_and(|x| x > 0.0 && x.is_finite()),
                        "expires_in {e}"
                    );
                }
            }
            Err(Refusal::Server) => {
                let b = body.as_ref().expect("a server error without a body");
                assert!(
                    b.get("error")
                        .and_then(Value::as_str)
                        .is_some_and(|e| !e.is_empty())
                );
            }
            Err(Refusal::Broken { message, .. }) => assert!(!message.is_empty()),
        }
    });
}
