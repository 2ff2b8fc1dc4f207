//! The input as JSON text: `VerifierOptions::from_value` → `Verifier::new` (errors fine);
//! a verifier that builds checks the valid grant (any verdict, no panic). The same value,
//! and its `policy` member, go to the enterprise policy parser; a policy that parses decides
//! on the valid grant. Then the fixed verifier still accepts the valid grant.
use idjag::{GrantPolicy, PolicyInput};
use idjag::{Verifier, VerifierOptions};
use idjag_fuzz::{RESOURCE, ctx, grants};
use serde_json::Value;

fn main() {
    let g = grants();
    let resources = [RESOURCE.to_owned()];
    afl::fuzz!(|data: &[u8]| {
        let Ok(value) = serde_json::from_slice::<Value>(data) else {
            return;
        };
        if let Ok(options) = VerifierOptions::from_value(value.clone())
            && let Ok(v) = Verifier::new(options)
        {
            if let Ok(accepted) = v.check(&g.valid, &ctx()) {
                g.assert_accepted_is_ours(&accepted);
            }
        }
        for doc in [Some(&value), value.get("policy")].into_iter().flatten() {
            if let Ok(policy) = GrantPolicy::parse(doc) {
                for (scopes, requested) in [(&g.verified.scopes, false), (&g.verified.scopes, true)]
                {
                    let _ = policy.decide(&PolicyInput {
                        issuer: &g.verified.issuer,
                        client_id: &g.verified.client_id,
                        subject: &g.verified.subject,
                        claims: &g.verified.claims,
                        resources: &resources,
                        scopes,
                        scopes_requested: requested,
                    });
                }
            }
        }
        g.assert_valid_still_verifies();
    });
}
