//! The input as a JWK Set (JSON text) for the JWK Set parser; when it parses, every
//! (alg, kid) selection is tried and each selected key verifies the valid grant's signature
//! (true or false, no panic). Then the valid grant must still verify with the fixed verifier.
use idjag::Alg;
use idjag::KeySet;
use idjag::internals::parse_compact;
use idjag_fuzz::grants;
use serde_json::Value;

fn main() {
    let g = grants();
    let jws = parse_compact(&g.valid, 1 << 16).expect("the valid grant parses");
    afl::fuzz!(|data: &[u8]| {
        let Ok(value) = serde_json::from_slice::<Value>(data) else {
            return;
        };
        // The call under test; keep it the only use of the parser's signature.
        let parsed = KeySet::parse(&value, "jwks");
        if let Ok(keys) = parsed {
            for alg in Alg::ALL {
                for kid in [None, Some("fuzz-idp-ec"), Some("")] {
                    if let Ok(candidates) = keys.candidates(alg, kid) {
                        for k in candidates {
                            let _ =
                                k.verify_signature(jws.signing_input.as_bytes(), &jws.signature);
                        }
                    }
                }
            }
        }
        g.assert_valid_still_verifies();
    });
}
