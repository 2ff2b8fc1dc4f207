//! Bindings for the test issuer (`idjag/testing`), only in the `signing` build.

use super::{config_error, json_arg, optional_alg, options_from, serializer_value, to_js_error};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WasmTestIssuerOptions {
    issuer: String,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    private_jwk: Option<serde_json::Value>,
}

/// The test issuer of `idjag/testing`.
#[wasm_bindgen]
pub struct WasmTestIssuer {
    inner: crate::testing::TestIssuer,
}

#[wasm_bindgen]
impl WasmTestIssuer {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmTestIssuer, JsValue> {
        let o: WasmTestIssuerOptions = options_from(options, "options", "TestIssuer")?;
        let alg = optional_alg(o.alg.as_deref())?;
        let inner = crate::testing::TestIssuer::new(&o.issuer, alg, o.kid, o.private_jwk.as_ref())
            .map_err(|e| to_js_error(&e))?;
        Ok(WasmTestIssuer { inner })
    }

    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    pub fn jwks(&self) -> Result<JsValue, JsValue> {
        serializer_value(&self.inner.jwks(), "the jwks")
    }

    #[wasm_bindgen(js_name = privateJwk)]
    pub fn private_jwk(&self) -> Result<JsValue, JsValue> {
        serializer_value(&self.inner.private_jwk(), "the jwk")
    }

    /// Any JWT signed with the issuer's key (an ID token, say); see `TestIssuer::sign_jwt`.
    #[wasm_bindgen(js_name = signJwt)]
    pub fn sign_jwt(&self, header: JsValue, claims: JsValue) -> Result<String, JsValue> {
        let object = |v: JsValue, what: &str| match json_arg(&v, what)? {
            serde_json::Value::Object(map) => Ok(map),
            _ => Err(config_error(format!("{what} must be an object"))),
        };
        let header = object(header, "header")?;
        let claims = object(claims, "claims")?;
        self.inner
            .sign_jwt(&header, &claims)
            .map_err(|e| to_js_error(&e))
    }

    pub fn mint(&mut self, params: JsValue) -> Result<String, JsValue> {
        let p: crate::testing::MintParams = options_from(params, "params", "TestIssuer.mint()")?;
        self.inner.mint(&p).map_err(|e| to_js_error(&e))
    }
}

#[derive(Serialize)]
struct VariantInfo {
    name: &'static str,
    code: Option<&'static str>,
    description: &'static str,
}

/// [{ name, code, description }] for every test-issuer variant.
#[wasm_bindgen(js_name = testVariants)]
pub fn test_variants() -> Result<JsValue, JsValue> {
    let list: Vec<VariantInfo> = crate::testing::VARIANTS
        .iter()
        .map(|v| VariantInfo {
            name: v.name,
            code: v.code.map(|c| c.code()),
            description: v.description,
        })
        .collect();
    serializer_value(&list, "the variants")
}
