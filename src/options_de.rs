//! Options documents (JSON values) into their structs, with errors that name the path
//! (issue 13 "Consistency"): `options.issuers[0].bogus is not an option of IdJagVerifier`,
//! `options.issuers[0].issuer is required`, `options.clockToleranceSec must be a
//! non-negative integer, not a string`. serde_json's own messages name neither the member
//! nor where it is (`invalid type: unit value, expected a string`).
//!
//! A small `Deserializer` over `&serde_json::Value` that records, as an error bubbles up,
//! the object members and array indices it passed through. Values are never echoed into a
//! message (a misplaced secret must not reach a log); numbers are (they are never secrets).

use crate::error::Error;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value;
use std::fmt;

/// Deserialize `value` into `T`; ERR_CONFIG naming the path under `root` ("options",
/// "params", ...) on failure. `owner` is the class or function the options belong to.
pub fn from_value<T: DeserializeOwned>(value: &Value, root: &str, owner: &str) -> Result<T, Error> {
    T::deserialize(At(value)).map_err(|e| Error::config(e.describe(root, owner)))
}

enum Seg {
    Key(String),
    Index(usize),
}

enum Kind {
    Unknown {
        field: String,
        expected: &'static [&'static str],
    },
    Missing(&'static str),
    Type {
        expected: String,
        got: String,
    },
    Other(String),
}

/// A deserialization error and the path to it, innermost segment first.
pub struct PathError {
    rev_path: Vec<Seg>,
    kind: Kind,
}

impl PathError {
    fn at(mut self, seg: Seg) -> Self {
        self.rev_path.push(seg);
        self
    }

    fn path(&self, root: &str) -> String {
        let mut out = root.to_owned();
        for seg in self.rev_path.iter().rev() {
            match seg {
                Seg::Key(k) => push_key(&mut out, k),
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// The message: always starts with the path.
    pub fn describe(&self, root: &str, owner: &str) -> String {
        let mut path = self.path(root);
        match &self.kind {
            Kind::Unknown { field, expected } => {
                push_key(&mut path, &clip(field));
                if expected.is_empty() {
                    format!("{path} is not an option of {owner}")
                } else {
                    format!(
                        "{path} is not an option of {owner} (expected one of {})",
                        expected.join(", ")
                    )
                }
            }
            Kind::Missing(field) => {
                push_key(&mut path, field);
                format!("{path} is required")
            }
            Kind::Type { expected, got } => format!("{path} must be {expected}, not {got}"),
            Kind::Other(msg) => format!("{path}: {msg}"),
        }
    }
}

fn push_key(out: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        out.push('.');
        out.push_str(key);
    } else {
        out.push_str(&format!("[{}]", serde_json::Value::String(key.to_owned())));
    }
}

/// At most 64 characters of a caller-chosen member name.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(64).collect();
    if s.chars().count() > 64 {
        out.push('…');
    }
    out
}

/// serde's "expected" wording in plain JSON terms.
fn expected_text(exp: &dyn de::Expected) -> String {
    let raw = exp.to_string();
    match raw.as_str() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a non-negative integer".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" | "map" | "an object" => "an object".to_owned(),
        "a boolean" | "a string" => raw,
        s if s.starts_with("struct ") => "an object".to_owned(),
        "a character" => "a string of one character".to_owned(),
        _ => raw,
    }
}

fn unexpected_text(u: &de::Unexpected) -> String {
    match u {
        de::Unexpected::Bool(_) => "a boolean".to_owned(),
        de::Unexpected::Unsigned(n) => n.to_string(),
        de::Unexpected::Signed(n) => n.to_string(),
        // serde_json's float formatting, already linked: `f64`'s Display would pull core's
        // float formatting (~16 KB of wasm, issue 14) into the verifier build for this one message.
        de::Unexpected::Float(n) => serde_json::Number::from_f64(*n)
            .map_or_else(|| "a number".to_owned(), |x| x.to_string()),
        de::Unexpected::Char(_) | de::Unexpected::Str(_) => "a string".to_owned(),
        de::Unexpected::Unit | de::Unexpected::Option => "null".to_owned(),
        de::Unexpected::Seq => "an array".to_owned(),
        de::Unexpected::Map => "an object".to_owned(),
        de::Unexpected::Bytes(_) => "bytes".to_owned(),
        de::Unexpected::Other(what) => (*what).to_owned(),
        // Enum and struct variants and newtype structs: not produced by a JSON value.
        _ => "a value of another type".to_owned(),
    }
}

impl de::Error for PathError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        PathError {
            rev_path: Vec::new(),
            kind: Kind::Other(msg.to_string()),
        }
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        PathError {
            rev_path: Vec::new(),
            kind: Kind::Type {
                expected: expected_text(exp),
                got: unexpected_text(&unexp),
            },
        }
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        Self::invalid_type(unexp, exp)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        PathError {
            rev_path: Vec::new(),
            kind: Kind::Unknown {
                field: field.to_owned(),
                expected,
            },
        }
    }

    fn missing_field(field: &'static str) -> Self {
        PathError {
            rev_path: Vec::new(),
            kind: Kind::Missing(field),
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("value", "idjag"))
    }
}

impl fmt::Debug for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for PathError {}

struct At<'a>(&'a Value);

impl<'de> Deserializer<'de> for At<'_> {
    type Error = PathError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(a) => visitor.visit_seq(Seq {
                items: a.iter(),
                index: 0,
            }),
            Value::Object(m) => visitor.visit_map(Map {
                entries: m.iter(),
                pending: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            other => Err(de::Error::invalid_type(unexpected_of(other), &"a string")),
        }
    }

    // An options struct is a JSON object only (serde would also take an array).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected_of(other), &"an object")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn unexpected_of(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(_) => de::Unexpected::Str(""),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct Seq<'a> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = PathError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, PathError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(At(item))
            .map(Some)
            .map_err(|e| e.at(Seg::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a> {
    entries: serde_json::map::Iter<'a>,
    pending: Option<(&'a String, &'a Value)>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = PathError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, PathError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some((k, v));
        seed.deserialize(de::value::StrDeserializer::<PathError>::new(k.as_str()))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, PathError> {
        let Some((k, v)) = self.pending.take() else {
            return Err(de::Error::custom("value asked before its key"));
        };
        seed.deserialize(At(v))
            .map_err(|e| e.at(Seg::Key(k.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        issuer: String,
        #[serde(default)]
        algorithms: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        audience: String,
        issuers: Vec<Inner>,
        #[serde(default)]
        clock_tolerance_sec: Option<u64>,
        #[serde(default)]
        policy: Option<Value>,
    }

    fn msg(v: Value) -> String {
        match from_value::<Outer>(&v, "options", "X") {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.message().to_owned(),
        }
    }

    #[test]
    fn verifier_options_from_json_name_the_path() {
        use crate::grant::options::VerifierOptions;
        let err = |text: &str| match VerifierOptions::from_json(text) {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.message().to_owned(),
        };
        let iss = r#""issuers":[{"issuer":"https://idp.test","jwksUri":"https://idp.test/jwks"}]"#;
        assert_eq!(err(&format!(r#"{{"audience":"a",{iss}}}"#)), "ok");
        assert_eq!(
            err(&format!(r#"{{{iss}}}"#)),
            "options.audience is required"
        );
        assert!(
            err(&format!(
                r#"{{"audience":"a",{iss},"clockToleranceSecs":5}}"#
            ))
            .starts_with("options.clockToleranceSecs is not an option of IdJagVerifier")
        );
        // Duplicate members are refused (strict parser), never "the last one wins".
        assert_eq!(
            err(&format!(r#"{{"audience":"a","audience":"b",{iss}}}"#)),
            "options has a duplicate member name"
        );
    }

    #[test]
    fn messages_name_the_path() {
        let iss = json!([{ "issuer": "https://idp" }]);
        assert_eq!(msg(json!({ "audience": "a", "issuers": iss })), "ok");
        assert!(
            msg(json!({ "audience": "a", "issuers": iss, "bogus": 1 }))
                .starts_with("options.bogus is not an option of X (expected one of audience,")
        );
        assert!(
            msg(json!({ "audience": "a", "issuers": [{ "issuer": "i", "x-y": 1 }] }))
                .starts_with("options.issuers[0][\"x-y\"] is not an option of X")
        );
        assert_eq!(
            msg(json!({ "audience": "a", "issuers": [{ "issuer": "i" }, {}] })),
            "options.issuers[1].issuer is required"
        );
        assert_eq!(
            msg(json!({ "issuers": iss })),
            "options.audience is required"
        );
        assert_eq!(
            msg(json!({ "audience": "a", "issuers": iss, "clockToleranceSec": "5" })),
            "options.clockToleranceSec must be a non-negative integer, not a string"
        );
        assert_eq!(
            msg(json!({ "audience": "a", "issuers": iss, "clockToleranceSec": -5 })),
            "options.clockToleranceSec must be a non-negative integer, not -5"
        );
        assert_eq!(
            msg(
                json!({ "audience": "a", "issuers": [{ "issuer": "i", "algorithms": ["ES256", 7] }] })
            ),
            "options.issuers[0].algorithms[1] must be a string, not 7"
        );
        assert_eq!(
            msg(json!({ "audience": "secret-ish", "issuers": {} })),
            "options.issuers must be an array, not an object"
        );
        assert_eq!(msg(json!([])), "options must be an object, not an array");
        // A free-form member (policy) takes any JSON value.
        assert_eq!(
            msg(
                json!({ "audience": "a", "issuers": iss, "policy": { "rules": [1, { "a": null }] } })
            ),
            "ok"
        );
    }
}
