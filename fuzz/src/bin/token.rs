//! The input as a grant: `Verifier::check` (every check but replay) and `inspect::inspect`.
//! Properties: no panic; an accepted token is the minted one (only the fixture key signs);
//! a token that verifies has no error-level lint; the valid grant still verifies afterwards.
use idjag::inspect::{Expect, Severity, inspect};
use idjag_fuzz::{ctx, expect, grants};

fn main() {
    let g = grants();
    afl::fuzz!(|data: &[u8]| {
        let token = String::from_utf8_lossy(data);
        let accepted = g.verifier.check(&token, &ctx());
        let lint = inspect(&token, &expect());
        let _ = inspect(&token, &Expect::default());
        if let Ok(v) = &accepted {
            g.assert_accepted_is_ours(v);
            assert!(
                lint.findings.iter().all(|f| f.severity != Severity::Error),
                "a token that verifies has an error-level lint: {:?}",
                lint.findings
            );
        }
        g.assert_valid_still_verifies();
    });
}
