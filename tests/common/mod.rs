//! Shared by the integration tests: the committed vectors file and its verify contexts.

use idjag::VerifyContext;
use serde_json::Value;

/// tests/vectors/grants.json, parsed.
pub fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/grants.json");
    let text = std::fs::read_to_string(path).expect("tests/vectors/grants.json is committed");
    serde_json::from_str(&text).expect("vectors are json")
}

/// A vector step's `ctx` (`{ clientId, now, scope?, resource? }`) as a `VerifyContext`.
pub fn ctx(c: &Value) -> VerifyContext<'_> {
    VerifyContext {
        client_id: c["clientId"].as_str().expect("clientId"),
        now: c["now"].as_f64().expect("now"),
        scope: c.get("scope").and_then(Value::as_str),
        resource: c.get("resource").and_then(Value::as_str),
        keys_now: None,
    }
}
