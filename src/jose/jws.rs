//! Strict compact-JWS parsing (R6–R8). No cryptography here: the result is
//! an *unverified* token and is only ever handed to the verifier or the inspector.

use crate::error::{Error, ErrorCode};
use crate::jose::strict_json::{self, StrictJsonError};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// A compact JWS split and decoded, signature not checked.
#[derive(Debug, Clone)]
pub struct UnverifiedJws<'a> {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    /// `B64URL(header) "." B64URL(payload)`, the bytes the signature covers.
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

fn malformed(message: &str) -> Error {
    Error::new(ErrorCode::Malformed, message)
}

/// R6: strict base64url: only `A–Z a–z 0–9 - _`, no padding, no whitespace,
/// canonical trailing bits.
pub fn decode_b64url(part: &str) -> Option<Vec<u8>> {
    if !part
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// Unpadded base64url (RFC 7515 §2), as every JOSE part is written.
pub fn encode_b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A base64url JSON object part (R6–R8); `Err` says why, without naming the part
/// (`is not strict base64url`, or the strict JSON parser's description).
pub fn decode_object(part: &str) -> Result<Map<String, Value>, String> {
    let bytes = decode_b64url(part).ok_or_else(|| "is not strict base64url".to_owned())?;
    strict_json::parse_object(&bytes).map_err(|e: StrictJsonError| e.describe().to_owned())
}

fn decode_json_part(part: &str, what: &str) -> Result<Map<String, Value>, Error> {
    decode_object(part).map_err(|why| malformed(&format!("{what} {why}")))
}

/// A token's dot-separated parts: the one splitter, for the verifiers (`split_compact`)
/// and the linter (inspect.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segments<'a> {
    /// Three parts: a compact JWS.
    Jws {
        header: &'a str,
        payload: &'a str,
        signature: &'a str,
    },
    /// Five parts: a compact JWE (R6: never decrypted); its protected header.
    Jwe { header: &'a str },
    /// Any other number of parts.
    Other(usize),
}

pub fn segments(token: &str) -> Segments<'_> {
    let dots = token.bytes().filter(|b| *b == b'.').count();
    let (header, rest) = token.split_once('.').unwrap_or((token, ""));
    match dots {
        2 => {
            let (payload, signature) = rest.split_once('.').unwrap_or((rest, ""));
            Segments::Jws {
                header,
                payload,
                signature,
            }
        }
        4 => Segments::Jwe { header },
        n => Segments::Other(n + 1),
    }
}

/// A compact JWS split, header decoded, payload left as bytes.
#[derive(Debug, Clone)]
pub struct RawJws<'a> {
    pub header: Map<String, Value>,
    pub payload: Vec<u8>,
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
}

/// R6: a token of `len` bytes (or UTF-16 units, which never exceed its UTF-8 bytes) is refused
/// above `max_bytes`, before anything is decoded or copied (the wasm glue asks before marshalling).
pub fn check_size(len: usize, max_bytes: usize) -> Result<(), Error> {
    if len > max_bytes {
        return Err(malformed(&format!(
            "token is larger than {max_bytes} bytes"
        )));
    }
    Ok(())
}

/// Split a compact JWS and decode its parts (R6, R7 for the header).
/// The payload may be any bytes; see `parse_compact` for JWT payloads.
pub fn split_compact(token: &str, max_bytes: usize) -> Result<RawJws<'_>, Error> {
    check_size(token.len(), max_bytes)?;
    let (h, p, s) = match segments(token) {
        Segments::Jws {
            header,
            payload,
            signature,
        } => (header, payload, signature),
        // R6: five parts is a JWE; we do not decrypt (not configured).
        Segments::Jwe { .. } => {
            return Err(Error::new(
                ErrorCode::Unsupported,
                "encrypted grants (jwe) are not supported",
            ));
        }
        Segments::Other(_) => return Err(malformed("not a compact jws of three parts")),
    };
    let header = decode_json_part(h, "header")?;
    if s.is_empty() {
        // R10: an unsecured JWS (alg none, empty signature) is an alg attack and is
        // reported as one (ERR_ALG), so audit logs name it; any other empty signature is
        // a malformed token.
        if header
            .get("alg")
            .and_then(Value::as_str)
            .is_some_and(|a| a.eq_ignore_ascii_case("none"))
        {
            return Err(Error::claim(
                ErrorCode::Alg,
                "alg",
                "alg none (an unsecured jws) is never accepted",
            ));
        }
        return Err(malformed("signature is empty"));
    }
    let payload = decode_b64url(p).ok_or_else(|| malformed("payload is not strict base64url"))?;
    let signature =
        decode_b64url(s).ok_or_else(|| malformed("signature is not strict base64url"))?;
    let signing_input = token
        .get(..h.len() + 1 + p.len())
        .ok_or_else(|| malformed("not a compact jws"))?;
    Ok(RawJws {
        header,
        payload,
        signing_input,
        signature,
    })
}

/// Split and decode a compact JWS whose payload is a JWT claim set (R6–R8).
pub fn parse_compact(token: &str, max_bytes: usize) -> Result<UnverifiedJws<'_>, Error> {
    let raw = split_compact(token, max_bytes)?;
    let payload = strict_json::parse_object(&raw.payload)
        .map_err(|e: StrictJsonError| malformed(&format!("payload {}", e.describe())))?;
    Ok(UnverifiedJws {
        header: raw.header,
        payload,
        signing_input: raw.signing_input,
        signature: raw.signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        encode_b64url(s.as_bytes())
    }

    fn token(h: &str, p: &str) -> String {
        format!("{}.{}.{}", b64(h), b64(p), b64("sig"))
    }

    #[test]
    fn parses_three_parts() {
        let t = token(r#"{"alg":"ES256"}"#, r#"{"iss":"x"}"#);
        let j = parse_compact(&t, 16384).expect("valid");
        assert_eq!(j.header.get("alg"), Some(&Value::from("ES256")));
        assert_eq!(j.signature, b"sig");
        assert_eq!(j.signing_input.matches('.').count(), 1);
    }

    #[test]
    fn r6_segment_counts() {
        let code = |t: &str| parse_compact(t, 16384).map(|_| ()).map_err(|e| e.code());
        assert_eq!(code("a.b"), Err(ErrorCode::Malformed));
        assert_eq!(code("a.b.c.d"), Err(ErrorCode::Malformed));
        assert_eq!(code("a.b.c.d.e"), Err(ErrorCode::Unsupported));
        assert_eq!(code(""), Err(ErrorCode::Malformed));
    }

    #[test]
    fn r6_strict_base64url() {
        assert!(decode_b64url("YQ").is_some());
        assert!(decode_b64url("YQ==").is_none());
        assert!(decode_b64url("Y Q").is_none());
        assert!(decode_b64url("a+b/").is_none());
        // non-canonical trailing bits ("YR" decodes to 'a' with stray bits)
        assert!(decode_b64url("YR").is_none());
        let t = format!("{}.{}.{}=", b64("{}"), b64("{}"), b64("sig"));
        assert_eq!(
            parse_compact(&t, 16384).map(|_| ()).map_err(|e| e.code()),
            Err(ErrorCode::Malformed)
        );
    }

    #[test]
    fn r6_empty_signature_and_size_limit() {
        let t = format!("{}.{}.", b64("{}"), b64("{}"));
        assert_eq!(
            parse_compact(&t, 16384).map(|_| ()).map_err(|e| e.code()),
            Err(ErrorCode::Malformed)
        );
        let t = token("{}", "{}");
        assert_eq!(
            parse_compact(&t, 5).map(|_| ()).map_err(|e| e.code()),
            Err(ErrorCode::Malformed)
        );
    }

    #[test]
    fn r7_r8_json_rules() {
        let code = |t: &str| parse_compact(t, 16384).map(|_| ()).map_err(|e| e.code());
        assert_eq!(code(&token("[]", "{}")), Err(ErrorCode::Malformed));
        assert_eq!(code(&token("{}", "\"x\"")), Err(ErrorCode::Malformed));
        assert_eq!(
            code(&token(r#"{"a":1,"a":1}"#, "{}")),
            Err(ErrorCode::Malformed)
        );
    }
}
