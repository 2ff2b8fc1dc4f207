//! `strict_json::parse_object` on arbitrary bytes: no panic, no hang; an accepted document
//! is an object whose re-serialisation is accepted again and holds the same members.
//! Floats are compared to a few ULPs: serde_json's default float parsing is not correctly
//! rounded (no `float_roundtrip` feature), so 1e25-sized literals may move by one ULP.
use idjag::internals::parse_object;
use serde_json::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || match (x.as_f64(), y.as_f64()) {
                    (Some(p), Some(q)) => {
                        (p - q).abs() <= 4.0 * f64::EPSILON * p.abs().max(q.abs())
                    }
                    _ => false,
                }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(map) = parse_object(data) {
            let text = serde_json::to_vec(&map).expect("a parsed object serialises");
            match parse_object(&text) {
                Ok(again) => assert!(
                    same(&Value::Object(again), &Value::Object(map)),
                    "re-parse differs"
                ),
                Err(e) => panic!("re-serialised object refused: {e:?}"),
            }
        }
    });
}
