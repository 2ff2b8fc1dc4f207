//! The input as an access token: `AccessTokenVerifier::verify` with fixed keys, with and
//! without required scopes. Properties: no panic; an accepted token is the minted one; the
//! valid access token still verifies afterwards.
use idjag_fuzz::{NOW, access_tokens};

fn main() {
    let a = access_tokens();
    afl::fuzz!(|data: &[u8]| {
        let token = String::from_utf8_lossy(data);
        for scopes in [&[][..], &["files.read"][..], &["files.admin"][..]] {
            if let Ok(info) = a.verifier.verify(&token, NOW, scopes) {
                assert!(
                    info.jti == "fuzz-at-0001" && info.subject == "alice@acme.example",
                    "an access token other than the minted one was accepted"
                );
            }
        }
        a.assert_valid_still_verifies();
    });
}
