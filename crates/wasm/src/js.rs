//! The one place where Rust values and errors become JavaScript ones, shared by both modules: errors
//! become `Error` objects with a stable `code` and their `params`, and serde types
//! cross as JSON text that the browser parses.
// A build of one module (`--features codes` or `tools` alone) leaves the other one's converters unused.
#![cfg_attr(not(all(feature = "codes", feature = "tools")), allow(dead_code))]

use authbar_core::{Coded, ErrorView};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// An `Error` with `message` and a stable `code` property the popup switches on.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// Crosses the boundary as JSON text parsed by the browser: the core already carries serde_json for
/// its stored schema, and reusing it keeps the wasm smaller than a second serializer would.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| js_error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// A plain JavaScript object read as a serde type; a value of the wrong shape is `bad_fields`.
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, JsValue> {
    let text: String = js_sys::JSON::stringify(value)?.into();
    serde_json::from_str(&text).map_err(|e| js_error("bad_fields", &e.to_string()))
}

/// The `Error` for a core error: its code, its English message, the key of its words (`key`) and
/// the values they name (`params`: the bad character and its position, the value found, an import's
/// format), from which the popup words it in the user's language. The same fields as the core's
/// [`ErrorView`], which skipped entries and preview problems carry.
pub(crate) fn to_js_error<E: Coded + ?Sized>(e: &E) -> JsValue {
    let view = ErrorView::of(e);
    let error = js_error(&view.code, &view.message);
    let params = to_js(&view.params).unwrap_or(JsValue::NULL);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&error, &"key".into(), &view.key.into());
    let _ = js_sys::Reflect::set(&error, &"params".into(), &params);
    error
}
