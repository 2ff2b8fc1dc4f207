//! Shared by the integration tests: the committed vectors file.

use serde_json::Value;

/// tests/vectors/grants.json, parsed.
pub fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/grants.json");
    let text = std::fs::read_to_string(path).expect("tests/vectors/grants.json is committed");
    serde_json::from_str(&text).expect("vectors are json")
}
