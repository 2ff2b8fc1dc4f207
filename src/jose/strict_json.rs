//! Strict JSON for JOSE headers and claim sets: UTF-8, an object at the top,
//! no duplicate member names (R8: we pick "reject" for determinism), bounded depth.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Deepest nesting accepted (objects and arrays), well below serde_json's own limit.
pub const MAX_DEPTH: usize = 32;

/// Why a document was refused; the caller turns it into ERR_MALFORMED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrictJsonError {
    NotUtf8,
    Syntax,
    NotAnObject,
    DuplicateMember,
    TooDeep,
    TooLarge,
}

impl StrictJsonError {
    pub fn describe(&self) -> &'static str {
        match self {
            StrictJsonError::NotUtf8 => "is not utf-8",
            StrictJsonError::Syntax => "is not valid json",
            StrictJsonError::NotAnObject => "is not a json object",
            StrictJsonError::DuplicateMember => "has a duplicate member name",
            StrictJsonError::TooDeep => "is nested too deeply",
            StrictJsonError::TooLarge => "is too large",
        }
    }
}

/// Parse `bytes` as one JSON object under the strict rules (R7, R8).
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, StrictJsonError> {
    let text = std::str::from_utf8(bytes).map_err(|_| StrictJsonError::NotUtf8)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed { depth: 0 }.deserialize(&mut de).map_err(classify)?;
    de.end().map_err(|_| StrictJsonError::Syntax)?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(StrictJsonError::NotAnObject),
    }
}

/// Parse a configuration-side document (options, a JWK Set, a policy, metadata, a cache
/// import) that crossed the wasm boundary as text: the same strict rules as tokens, plus a
/// size cap. Depth is bounded by `MAX_DEPTH`, so no input can exhaust the stack (issue 10:
/// a deeply nested JWK Set trapped the wasm instance).
pub fn parse_document(
    bytes: &[u8],
    max_bytes: usize,
) -> Result<Map<String, Value>, StrictJsonError> {
    if bytes.len() > max_bytes {
        return Err(StrictJsonError::TooLarge);
    }
    parse_object(bytes)
}

const DUPLICATE: &str = "idjag: duplicate member";
const TOO_DEEP: &str = "idjag: too deep";

fn classify(err: serde_json::Error) -> StrictJsonError {
    let text = err.to_string();
    if text.starts_with(DUPLICATE) {
        StrictJsonError::DuplicateMember
    } else if text.starts_with(TOO_DEEP) || text.contains("recursion limit") {
        StrictJsonError::TooDeep
    } else {
        StrictJsonError::Syntax
    }
}

#[derive(Clone, Copy)]
struct Seed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed {
    fn deeper<E: de::Error>(self) -> Result<Seed, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(TOO_DEEP));
        }
        Ok(Seed {
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a json value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(DUPLICATE));
            }
            let value = map.next_value_seed(inner)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_object() {
        let m = parse_object(br#"{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}"#);
        assert!(m.is_ok());
    }

    #[test]
    fn r8_rejects_duplicate_members_at_any_depth() {
        assert_eq!(
            parse_object(br#"{"a":1,"a":2}"#),
            Err(StrictJsonError::DuplicateMember)
        );
        assert_eq!(
            parse_object(br#"{"x":{"a":1,"a":2}}"#),
            Err(StrictJsonError::DuplicateMember)
        );
    }

    #[test]
    fn r7_rejects_non_objects_and_bad_utf8() {
        assert_eq!(parse_object(b"[1]"), Err(StrictJsonError::NotAnObject));
        assert_eq!(parse_object(br#""s""#), Err(StrictJsonError::NotAnObject));
        assert_eq!(
            parse_object(b"{\"a\":\"\xff\"}"),
            Err(StrictJsonError::NotUtf8)
        );
        assert_eq!(parse_object(b"{\"a\":1} x"), Err(StrictJsonError::Syntax));
        assert_eq!(parse_object(b""), Err(StrictJsonError::Syntax));
    }

    #[test]
    fn depth_is_bounded() {
        let ok = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_object(ok.as_bytes()).is_ok());
        let deep = format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(MAX_DEPTH + 5),
            "]".repeat(MAX_DEPTH + 5)
        );
        assert_eq!(parse_object(deep.as_bytes()), Err(StrictJsonError::TooDeep));
        let very_deep = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(
            parse_object(very_deep.as_bytes()),
            Err(StrictJsonError::TooDeep)
        );
    }
}
