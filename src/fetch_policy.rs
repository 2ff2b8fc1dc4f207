//! What the JS package may fetch or publish as an endpoint (T4): remote JWK Sets, issuer
//! metadata, the client helpers' endpoints. The JS side parses the URL (WHATWG `URL`), asks here,
//! and does the fetch; the decision is this one.

/// Loopback hosts, for which plain http is accepted (local IdPs, tests): `localhost`, `[::1]`,
/// 127.0.0.0/8 written as four decimal parts. `host` is a WHATWG `hostname` (lower-case, IPv4
/// normalised, IPv6 in brackets).
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let mut parts = 0;
    let decimal = host.split('.').all(|p| {
        parts += 1;
        (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    });
    decimal && parts == 4 && host.starts_with("127.")
}

/// T4: why a URL may not be used, or `None`. `scheme` without its colon; `credentials`: it has
/// a user name or password; `fragment`: it has one; `from_https`: it was named by a document
/// fetched over https (an https issuer's metadata), which may not send us to plain http even on
/// loopback. The messages follow the URL's name: "jwksUri must use https".
pub fn url_problem(
    scheme: &str,
    host: &str,
    credentials: bool,
    fragment: bool,
    from_https: bool,
) -> Option<&'static str> {
    match scheme {
        "http" if from_https => return Some("must use https"),
        "http" if !is_loopback(host) => {
            return Some("must use https (http only on loopback hosts)");
        }
        "http" | "https" => {}
        _ => return Some("must use https"),
    }
    if credentials {
        return Some("must not carry credentials");
    }
    if fragment {
        return Some("must not have a fragment");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t4_https_everywhere_http_on_loopback_only() {
        let p = |s, h| url_problem(s, h, false, false, false);
        assert_eq!(p("https", "idp.example.com"), None);
        for h in [
            "localhost",
            "LOCALHOST",
            "[::1]",
            "127.0.0.1",
            "127.255.0.9",
        ] {
            assert_eq!(p("http", h), None, "{h}");
        }
        for h in [
            "idp.example.com",
            "127.0.0.1.nip.io",
            "128.0.0.1",
            "127.0.0",
            "127.0.0.1234",
            "[::2]",
            "localhost.example",
        ] {
            assert_eq!(
                p("http", h),
                Some("must use https (http only on loopback hosts)"),
                "{h}"
            );
        }
        for s in ["ftp", "file", "ws", "HTTPS", ""] {
            assert_eq!(p(s, "idp.example.com"), Some("must use https"), "{s}");
        }
        let https = |c, f| url_problem("https", "idp.example.com", c, f, false);
        assert_eq!(https(true, false), Some("must not carry credentials"));
        assert_eq!(https(true, true), Some("must not carry credentials"));
        assert_eq!(https(false, true), Some("must not have a fragment"));
        // Named by an https document: never plain http, loopback or not.
        assert_eq!(
            url_problem("http", "127.0.0.1", false, false, true),
            Some("must use https")
        );
        assert_eq!(url_problem("https", "127.0.0.1", false, false, true), None);
    }
}
