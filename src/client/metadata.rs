//! The client metadata of an ID-JAG client (docs/rules.md C13, ID-JAG -04 §8): an RFC 7591
//! registration request body, or with `clientId` a Client ID Metadata Document. The JS
//! `clientMetadata` (pkg/src/client.js) checks the option names and the URLs (T4, the core's
//! `url_problem`) and passes the options here as JSON, with `clientId`'s WHATWG path and query.

use serde_json::{Map, Value};

use crate::error::Error;

/// RFC 8693 token exchange (at the IdP).
pub(crate) const GRANT_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// RFC 7523 jwt-bearer (at the MCP authorization server).
pub(crate) const GRANT_JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The ID-JAG grant profile (-04 §8).
pub(crate) const GRANT_PROFILE_ID_JAG: &str = "urn:ietf:params:oauth:grant-profile:id-jag";

/// The options this function reads; every other member is an RFC 7591 member, passed through.
const OPTIONS: [&str; 9] = [
    "clientId",
    "clientName",
    "clientUri",
    "scope",
    "redirectUris",
    "grantTypes",
    "tokenEndpointAuthMethod",
    "jwksUri",
    "jwks",
];
const AUTH_METHODS: [&str; 4] = [
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "none",
];
/// The JWK members of a private or symmetric key (RFC 7518 §6.2.2, §6.3.2, §6.4).
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

/// An ordered JSON object: the document in the order its members are set.
pub(crate) type Document = Vec<Value>;

/// Sets `name` to `value`: a `[name, value]` pair (for `Object.fromEntries`), in place when the
/// caller passed that member through.
fn set(doc: &mut Document, name: &str, value: Value) {
    let pair = Value::Array(vec![name.into(), value]);
    match doc.iter_mut().find(|p| is(p, name)) {
        Some(slot) => *slot = pair,
        None => doc.push(pair),
    }
}

fn is(pair: &Value, name: &str) -> bool {
    pair.get(0).and_then(Value::as_str) == Some(name)
}

fn non_empty_string<'a>(v: &'a Value, name: &str) -> Result<&'a str, Error> {
    match v {
        Value::String(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::config(format!("{name} must be a non-empty string"))),
    }
}

fn string_list<'a>(v: Option<&'a Value>, name: &str) -> Result<Vec<&'a str>, Error> {
    let bad = || Error::config(format!("{name} must be an array of non-empty strings"));
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) if !s.is_empty() => Ok(s.as_str()),
                _ => Err(bad()),
            })
            .collect(),
        Some(_) => Err(bad()),
    }
}

/// The client metadata document for `options` (the JS option names, camelCase; other members
/// are RFC 7591 members, kept as given). `client_id_url`: `clientId`'s WHATWG pathname and
/// search, when `clientId` is given (the caller parsed and checked the URL).
///
/// C13: `grant_types` lists the token exchange and jwt-bearer (and `grantTypes`), and
/// `authorization_grant_profiles_supported` lists the ID-JAG profile: both set here, so a caller
/// setting either is refused. A Client ID Metadata Document's `client_id` is its own https URL,
/// with a path and no query, and it holds no shared secret. `jwks` holds public keys only, and
/// `private_key_jwt` needs `jwks_uri` or `jwks`.
pub(crate) fn client_metadata(
    mut options: Map<String, Value>,
    client_id_url: Option<(&str, &str)>,
) -> Result<Document, Error> {
    let mut given = Map::new();
    for name in OPTIONS {
        if let Some(v) = options.remove(name) {
            given.insert(name.to_owned(), v);
        }
    }
    let mut doc: Document = options
        .into_iter()
        .map(|(k, v)| Value::Array(vec![Value::String(k), v]))
        .collect();
    let options = &mut given;
    if doc
        .iter()
        .any(|p| is(p, "grant_types") || is(p, "authorization_grant_profiles_supported"))
    {
        return Err(Error::config(
            "grant_types and authorization_grant_profiles_supported are set by clientMetadata (C13); use grantTypes for more grant types",
        ));
    }
    let method = match options.get("tokenEndpointAuthMethod").cloned() {
        None => "client_secret_basic".to_owned(),
        Some(Value::String(m)) if AUTH_METHODS.contains(&m.as_str()) => m,
        Some(_) => {
            return Err(Error::config(format!(
                "tokenEndpointAuthMethod must be one of {}",
                AUTH_METHODS.join(", ")
            )));
        }
    };
    if let Some(client_id) = options.remove("clientId") {
        let Some((path, query)) = client_id_url else {
            return Err(Error::config("clientId must be a url string"));
        };
        if path == "/" || !query.is_empty() {
            return Err(Error::config(
                "clientId (a client id metadata document url) needs a path and no query",
            ));
        }
        if method.starts_with("client_secret") {
            return Err(Error::config(
                "a client id metadata document cannot use a client secret: tokenEndpointAuthMethod private_key_jwt or none",
            ));
        }
        set(&mut doc, "client_id", client_id);
    }
    if let Some(name) = options.remove("clientName") {
        non_empty_string(&name, "clientName")?;
        set(&mut doc, "client_name", name);
    }
    if let Some(uri) = options.remove("clientUri") {
        set(&mut doc, "client_uri", uri);
    }
    if let Some(scope) = options.remove("scope") {
        non_empty_string(&scope, "scope")?;
        set(&mut doc, "scope", scope);
    }
    let redirects = options.remove("redirectUris");
    if !string_list(redirects.as_ref(), "redirectUris")?.is_empty() {
        set(&mut doc, "redirect_uris", redirects.unwrap_or_default());
    }
    let mut grant_types = vec![GRANT_TOKEN_EXCHANGE, GRANT_JWT_BEARER];
    for g in string_list(options.get("grantTypes"), "grantTypes")? {
        if !grant_types.contains(&g) {
            grant_types.push(g);
        }
    }
    set(&mut doc, "grant_types", grant_types.into());
    set(
        &mut doc,
        "authorization_grant_profiles_supported",
        vec![GRANT_PROFILE_ID_JAG].into(),
    );
    set(
        &mut doc,
        "token_endpoint_auth_method",
        method.as_str().into(),
    );
    let (jwks_uri, jwks) = (options.remove("jwksUri"), options.remove("jwks"));
    if jwks_uri.is_some() && jwks.is_some() {
        return Err(Error::config("give jwksUri or jwks, not both")); // RFC 7591 §2
    }
    if let Some(uri) = jwks_uri {
        set(&mut doc, "jwks_uri", uri);
    }
    if let Some(jwks) = jwks {
        let Some(Value::Array(keys)) = jwks.get("keys") else {
            return Err(Error::config("jwks must be a JWK Set ({ keys: [...] })"));
        };
        let private = |k: &Value| {
            k.as_object()
                .is_none_or(|k| PRIVATE_MEMBERS.iter().any(|m| k.contains_key(*m)))
        };
        if keys.iter().any(private) {
            return Err(Error::config("jwks must hold public keys only"));
        }
        set(&mut doc, "jwks", jwks);
    }
    if method == "private_key_jwt" && !doc.iter().any(|p| is(p, "jwks_uri") || is(p, "jwks")) {
        return Err(Error::config("private_key_jwt needs jwksUri or jwks"));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(options: Value, url: Option<(&str, &str)>) -> Result<Value, String> {
        let Value::Object(options) = options else {
            panic!("an object")
        };
        client_metadata(options, url)
            .map(|doc| {
                Value::Object(
                    doc.into_iter()
                        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].clone()))
                        .collect(),
                )
            })
            .map_err(|e| {
                assert_eq!(e.code(), crate::ErrorCode::Config);
                e.message().to_owned()
            })
    }

    #[test]
    fn c13_sets_grant_types_and_the_profile() {
        let doc = build(json!({"clientName": "Files agent", "grantTypes": ["authorization_code", GRANT_JWT_BEARER], "software_id": "x"}), None).unwrap();
        assert_eq!(
            doc,
            json!({
                "client_name": "Files agent",
                "software_id": "x",
                "grant_types": [GRANT_TOKEN_EXCHANGE, GRANT_JWT_BEARER, "authorization_code"],
                "authorization_grant_profiles_supported": [GRANT_PROFILE_ID_JAG],
                "token_endpoint_auth_method": "client_secret_basic",
            })
        );
        for member in ["grant_types", "authorization_grant_profiles_supported"] {
            let mut options = Map::new();
            options.insert(member.to_owned(), json!([]));
            assert_eq!(
                build(Value::Object(options), None).unwrap_err(),
                "grant_types and authorization_grant_profiles_supported are set by clientMetadata (C13); use grantTypes for more grant types"
            );
        }
    }

    #[test]
    fn a_client_id_metadata_document() {
        let doc = build(json!({"clientId": "https://app.example/c.json", "tokenEndpointAuthMethod": "none", "redirectUris": ["https://app.example/cb"]}), Some(("/c.json", ""))).unwrap();
        assert_eq!(doc["client_id"], "https://app.example/c.json");
        assert_eq!(doc["redirect_uris"], json!(["https://app.example/cb"]));
        for (path, query) in [("/", ""), ("/c.json", "?v=1")] {
            assert_eq!(
                build(
                    json!({"clientId": "https://app.example", "tokenEndpointAuthMethod": "none"}),
                    Some((path, query))
                )
                .unwrap_err(),
                "clientId (a client id metadata document url) needs a path and no query"
            );
        }
        assert_eq!(
            build(
                json!({"clientId": "https://app.example/c.json"}),
                Some(("/c.json", ""))
            )
            .unwrap_err(),
            "a client id metadata document cannot use a client secret: tokenEndpointAuthMethod private_key_jwt or none"
        );
    }

    #[test]
    fn keys_and_option_values() {
        let public = json!({"keys": [{"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}]});
        let doc = build(
            json!({"tokenEndpointAuthMethod": "private_key_jwt", "jwks": public}),
            None,
        )
        .unwrap();
        assert_eq!(doc["jwks"], public);
        let cases = [
            (
                json!({"tokenEndpointAuthMethod": "private_key_jwt"}),
                "private_key_jwt needs jwksUri or jwks",
            ),
            (
                json!({"jwks": {"keys": [{"kty": "EC", "d": "secret"}]}}),
                "jwks must hold public keys only",
            ),
            (
                json!({"jwks": {"keys": [{"kty": "oct", "k": "secret"}]}}),
                "jwks must hold public keys only",
            ),
            (
                json!({"jwks": {"keys": ["x"]}}),
                "jwks must hold public keys only",
            ),
            (
                json!({"jwks": []}),
                "jwks must be a JWK Set ({ keys: [...] })",
            ),
            (
                json!({"jwks": public, "jwksUri": "https://k"}),
                "give jwksUri or jwks, not both",
            ),
            (
                json!({"tokenEndpointAuthMethod": "tls_client_auth"}),
                "tokenEndpointAuthMethod must be one of client_secret_basic, client_secret_post, private_key_jwt, none",
            ),
            (
                json!({"clientName": ""}),
                "clientName must be a non-empty string",
            ),
            (json!({"scope": null}), "scope must be a non-empty string"),
            (
                json!({"redirectUris": [""]}),
                "redirectUris must be an array of non-empty strings",
            ),
            (
                json!({"grantTypes": "x"}),
                "grantTypes must be an array of non-empty strings",
            ),
        ];
        for (options, message) in cases {
            assert_eq!(build(options, None).unwrap_err(), message);
        }
        // A passed-through jwks_uri satisfies private_key_jwt, as before.
        assert!(
            build(
                json!({"tokenEndpointAuthMethod": "private_key_jwt", "jwks_uri": "https://k"}),
                None
            )
            .is_ok()
        );
        assert!(
            build(
                json!({"tokenEndpointAuthMethod": "private_key_jwt", "jwksUri": "https://k"}),
                None
            )
            .is_ok()
        );
    }
}
