//! The input as an HTTP token request, split by `idjag_fuzz::split_request`
//! (`METHOD\nCONTENT-TYPE\nQUERY\nAUTHORIZATION\nBODY`): `TokenRequest::parse`, then client
//! authentication against a fixed registry, then (authenticated) the grant check; the body
//! alone also goes to `parse_form`. Properties: no panic; a refusal is a 4xx; the fixed
//! valid requests (basic, post) still parse and authenticate afterwards.
use idjag::VerifyContext;
use idjag::server::{TokenRequest, parse_form};
use idjag_fuzz::{NOW, clients, grants, split_request};

fn main() {
    let c = clients();
    let g = grants();
    afl::fuzz!(|data: &[u8]| {
        let input = String::from_utf8_lossy(data);
        let raw = split_request(&input);
        let _ = parse_form(raw.body);
        match TokenRequest::parse(&raw) {
            Err(e) => assert!((400..500).contains(&e.status), "status {}", e.status),
            Ok(req) => {
                if let Ok(client) = c.registry.authenticate(&req.credentials, NOW) {
                    let ctx = VerifyContext {
                        client_id: &client.client_id,
                        now: NOW,
                        scope: req.scope.as_deref(),
                        resource: req.resource.as_deref(),
                        keys_now: None,
                    };
                    if let Ok(v) = g.verifier.check(&req.assertion, &ctx) {
                        g.assert_accepted_is_ours(&v);
                    }
                }
            }
        }
        c.assert_valid_requests_pass();
    });
}
